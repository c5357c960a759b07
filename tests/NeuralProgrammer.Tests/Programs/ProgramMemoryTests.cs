using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;

namespace NeuralProgrammer.Tests.Programs;

/// <summary>The program memory: what the search finds from answers alone, on the paper's data.</summary>
public class ProgramMemoryTests
{
    static ProgramMemory Build(DatasetVariant variant, int count, int seed = 1, IReadOnlyList<TemplateCategory>? categories = null) =>
        ProgramMemory.Build(SyntheticData.Generate(variant, count, seed, DataSplit.Train, categories), Operations.For(variant.Facts().MaxTextColumns > 0), 4);

    [Fact]
    public void TheSearchFindsThePapersProgramsForDifferenceQuestions()
    {
        var examples = SyntheticData.Generate(DatasetVariant.SingleColumn, 2_000, 1, DataSplit.Train);
        var memory = ProgramMemory.Build(examples, Operations.Numeric, 4);
        Assert.Equal(23, memory.Questions);
        Assert.Equal(23, memory.QuestionsCovered);
        Assert.Equal(examples.Count, memory.ExamplesCovered);

        string First(string template) => memory.For(examples.First(e => e.Template == template))[0].ToString();
        // The paper's own program for "sum diff count" (docs/model.md 1.3), found from the answers alone.
        Assert.Equal("sum A → reset → count → difference", First("sum diff count"));
        Assert.Equal("count → reset → sum A → difference", First("count diff sum"));
        // Cheapest first: the fewest moves that are not reset.
        Assert.Equal("reset → reset → reset → sum A", First("sum"));
        Assert.Equal("reset → reset → greater n1 A → print A", First("greater n print"));
    }

    [Theory]
    [InlineData(DatasetVariant.Columns3)]
    [InlineData(DatasetVariant.TextMatch2)]
    [InlineData(DatasetVariant.WordVariability1)]
    public void RememberedProgramsAnswerTheirQuestionsOnOtherTables(DatasetVariant variant)
    {
        var memory = Build(variant, 20_000);
        Assert.True(memory.ExamplesCovered >= 0.95 * memory.Examples, memory.ToString());
        // Fresh tables: the test distribution (more rows, wider values), none seen by the search.
        var test = SyntheticData.Generate(variant, 2_000, 99, DataSplit.Test);
        int withPrograms = 0, answered = 0;
        foreach (var example in test)
        {
            var programs = memory.For(example);
            if (programs.Count == 0) continue;
            withPrograms++;
            var execution = new ProgramExecution(example);
            if (programs.All(execution.Answers)) answered++;
        }
        Assert.True(withPrograms > test.Count / 2, $"{withPrograms} of {test.Count} test questions were in the memory");
        Assert.True(answered >= 0.99 * withPrograms, $"all remembered programs right on {answered} of {withPrograms} test questions");
    }

    /// <summary>
    /// On the paper's tables a pivot almost never equals a cell, so <c>count − greater n</c> answers <c>lesser n count</c>
    /// as well as <c>lesser n → count</c> does; only a table with a tie at the pivot tells them apart.
    /// </summary>
    [Fact]
    public void WithoutTiesTheSearchCannotTellLesserFromCountMinusGreater()
    {
        var group = SyntheticData.Generate(DatasetVariant.SingleColumn, 2_000, 1, DataSplit.Train)
            .Where(e => e.Template == "lesser n count").Take(1 + ProgramMemory.Verifications).ToList();
        var tied = group.Select(RealDataTables.WithTiesAtPivots).OfType<Example>().ToList();
        Assert.Equal(group.Count, tied.Count);
        Assert.All(tied, e => Assert.True(RealDataTables.HasTie(e)));

        var tieFree = ProgramSearch.Find(group.Select(e => new ProgramExecution(e)).ToList(), Operations.Numeric, 4, ProgramMemory.Size);
        var wrongOnTies = tieFree.Where(p => !new ProgramExecution(tied[0]).Answers(p)).ToList();
        Assert.NotEmpty(wrongOnTies);
        Assert.Contains(wrongOnTies, p => p.ToString().Contains("greater") && p.ToString().EndsWith("difference"));

        var checkedOnTies = ProgramSearch.Find(group.Concat(tied).Select(e => new ProgramExecution(e)).ToList(), Operations.Numeric, 4, ProgramMemory.Size);
        Assert.NotEmpty(checkedOnTies);
        Assert.All(checkedOnTies, p => Assert.True(new ProgramExecution(tied[0]).Answers(p), p.ToString()));
    }

    /// <summary>
    /// Built from the paper's tables alone, the memory proposes for every comparison template only programs that are
    /// right on real-data tables with ties at the pivot and repeated values. Logic templates join two comparisons: on
    /// three columns a program that compares the wrong column in one half can pass a group's nine tables when the
    /// other half selects only a few rows (a coincidence of the tables, not of ties), so there 99% is asked, as of the
    /// memory on the paper's test tables.
    /// </summary>
    [Theory]
    [InlineData(DatasetVariant.SingleColumn, 4_000)]
    [InlineData(DatasetVariant.Columns3, 20_000)]
    public void RememberedProgramsAreRightOnTablesWithTiesAtThePivot(DatasetVariant variant, int trainingExamples)
    {
        var memory = Build(variant, trainingExamples);
        var tied = SyntheticData.Generate(variant, 3_000, 99, DataSplit.Test, realDataShare: 1).Where(RealDataTables.HasTie).ToList();
        Assert.True(tied.Count >= 500, $"only {tied.Count} examples with a tie at a pivot");
        foreach (var category in new[] { TemplateCategory.Comparison, TemplateCategory.Logic })
        {
            var questions = tied.Where(e => e.Category == category && memory.For(e).Count > 0).ToList();
            Assert.True(questions.Count >= 0.9 * tied.Count(e => e.Category == category), $"{category}: {questions.Count} questions with ties were in the memory");
            var wrong = questions.Where(e => !memory.For(e).All(new ProgramExecution(e).Answers)).ToList();
            var examples = string.Join("; ", wrong.Take(3).Select(e => $"{e.Template}: {string.Join(", ", memory.For(e).Where(p => !new ProgramExecution(e).Answers(p)))}"));
            if (category == TemplateCategory.Comparison) Assert.True(wrong.Count == 0, $"{wrong.Count} comparison questions with a remembered program wrong on ties, e.g. {examples}");
            else Assert.True(wrong.Count <= 0.01 * questions.Count, $"{wrong.Count} of {questions.Count} logic questions with a remembered program wrong, e.g. {examples}");
        }
        if (variant == DatasetVariant.SingleColumn)
            foreach (var template in new[] { "lesser n count", "greater n count", "lesser n sum", "greater n sum" })
                Assert.Contains(tied, e => e.Template == template && memory.For(e).Count > 0);
    }

    [Fact]
    public void AProgramUsesOnePivotPerComparisonOperation()
    {
        var example = SyntheticData.Generate(DatasetVariant.SingleColumn, 200, 2, DataSplit.Train).First(e => e.Question.Numbers.Count == 2);
        var execution = new ProgramExecution(example);
        var first = execution.Apply(execution.Initial, new ProgramMove(Operation.Greater, 0, 0))!.Value;
        Assert.Null(execution.Apply(first, new ProgramMove(Operation.Greater, 0, 1)));
        Assert.NotNull(execution.Apply(first, new ProgramMove(Operation.Greater, 0, 0)));
        Assert.NotNull(execution.Apply(first, new ProgramMove(Operation.Lesser, 0, 1)));
    }

    [Fact]
    public void ProgramsMoveBetweenTablesByColumnName()
    {
        var program = new HardProgram([new(Operation.Reset), new(Operation.Reset), new(Operation.Greater, 1, 0), new(Operation.Sum, 2)], ["A", "C", "E"]);
        Table Columns(params string[] names) => new(names.Select(n => new TableColumn(n, [1.0])).ToList());
        var moved = program.For(Columns("A", "B", "C", "D", "E"))!;
        Assert.Equal([-1, -1, 2, 4], moved.Steps.Select(s => s.Column));
        Assert.Equal(program.ToString(), moved.ToString());
        Assert.Null(program.For(Columns("A", "C")));
    }
}
