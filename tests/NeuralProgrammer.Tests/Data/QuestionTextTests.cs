using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

public class QuestionTextTests
{
    [Fact]
    public void TakesNumbersOutWithTheWordToTheirLeft()
    {
        var question = QuestionText.Parse("  greater 50.32 B and\tlesser -20.5 C sum A ");
        Assert.Equal(["greater", "B", "and", "lesser", "C", "sum", "A"], question.Words);
        Assert.Equal([50.32, -20.5], question.Numbers);
        Assert.Equal([0, 3], question.NumberPositions);
        Assert.Equal("greater 50.32 B and lesser -20.50 C sum A", question.Text);
    }

    [Fact]
    public void ANumberOpeningTheQuestionHasPositionMinusOne()
    {
        var question = QuestionText.Parse("7 word:3 A count 1e2 NaN");
        Assert.Equal(["word:3", "A", "count", "NaN"], question.Words);
        Assert.Equal([7.0, 100.0], question.Numbers);
        Assert.Equal([-1, 2], question.NumberPositions);
    }

    [Theory]
    [InlineData("1,234.5", 1234.5)]
    [InlineData("-3e2", -300)]
    [InlineData("1.5E-1", 0.15)]
    [InlineData("7%", 7)]
    [InlineData("$5", 5)]
    [InlineData("-$4", -4)]
    [InlineData("($4)", -4)]
    [InlineData("3€", 3)]
    [InlineData("£1,000", 1000)]
    [InlineData("+2", 2)]
    [InlineData(".5", 0.5)]
    public void ReadsNumbersInTheUsualForms(string token, double expected)
    {
        var question = QuestionText.Parse($"greater {token} price");
        Assert.Equal(["greater", "price"], question.Words);
        Assert.Equal([expected], question.Numbers);
        Assert.Equal([0], question.NumberPositions);
    }

    [Theory]
    [InlineData("word:2")]
    [InlineData("NaN")]
    [InlineData("Inf")]
    [InlineData("A1")]
    [InlineData("e5")]
    [InlineData("2024-01-05")]
    [InlineData("$")]
    public void TokensThatAreNotNumbersStayWords(string token)
    {
        var question = QuestionText.Parse($"count {token}");
        Assert.Equal(["count", token], question.Words);
        Assert.Empty(question.Numbers);
    }

    [Theory]
    [InlineData("1,23", "comma must group digits in threes")]
    [InlineData("1e39", "beyond ±3.4e38")]
    [InlineData("-1e39", "float32")]
    [InlineData("1.2.3", "accepted form")]
    [InlineData("($4", "parenthesis")]
    [InlineData("--4", "accepted form")]
    [InlineData("$4€", "more than one sign, unit")]
    public void ANumberTheModelCannotUseIsRefusedByName(string token, string reason)
    {
        var error = Assert.Throws<FormatException>(() => QuestionText.Parse($"greater {token} price"));
        Assert.Contains($"'{token}'", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void APercentageComparesWithTheTablesPercentages()
    {
        var cells = TableCsv.Parse("rate\n5%\n7%\n9%\n").Column("rate").Numbers!;
        var pivot = QuestionText.Parse("greater 7% rate").Numbers.Single();
        Assert.Equal([9.0], cells.Where(cell => cell > pivot));
    }

    [Theory]
    [InlineData(DatasetVariant.SingleColumn)]
    [InlineData(DatasetVariant.Columns10)]
    [InlineData(DatasetVariant.WordVariability5)]
    [InlineData(DatasetVariant.TextMatch5)]
    public void GeneratedQuestionsRoundTripThroughTheirText(DatasetVariant variant)
    {
        foreach (var example in SyntheticData.Generate(variant, 300, seed: 67, DataSplit.Test))
        {
            var parsed = QuestionText.Parse(example.Question.Text);
            Assert.Equal(example.Question.Words, parsed.Words);
            Assert.Equal(example.Question.Numbers, parsed.Numbers);
            Assert.Equal(example.Question.NumberPositions, parsed.NumberPositions);
            Assert.Equal(example.Question.Text, parsed.Text);
        }
    }
}
