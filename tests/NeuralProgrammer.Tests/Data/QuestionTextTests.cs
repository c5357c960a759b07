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
