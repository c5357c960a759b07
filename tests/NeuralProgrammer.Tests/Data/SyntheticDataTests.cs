using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

public class SyntheticDataTests
{
    public static TheoryData<DatasetVariant> Variants() => new(DatasetVariants.All);

    public static TheoryData<DatasetVariant, DataSplit> VariantsAndSplits()
    {
        var data = new TheoryData<DatasetVariant, DataSplit>();
        foreach (var variant in DatasetVariants.All)
        {
            data.Add(variant, DataSplit.Train);
            data.Add(variant, DataSplit.Test);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TheSameSeedGivesTheSameExamples(DatasetVariant variant)
    {
        var first = SyntheticData.Generate(variant, 60, seed: 17, DataSplit.Train).Select(DataAssert.Fingerprint).ToList();
        var second = SyntheticData.Generate(variant, 60, seed: 17, DataSplit.Train).Select(DataAssert.Fingerprint).ToList();
        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ADifferentSeedGivesDifferentExamples(DatasetVariant variant)
    {
        var first = SyntheticData.Generate(variant, 30, seed: 17, DataSplit.Test).Select(DataAssert.Fingerprint).ToList();
        var second = SyntheticData.Generate(variant, 30, seed: 18, DataSplit.Test).Select(DataAssert.Fingerprint).ToList();
        Assert.True(first.Zip(second).Count(pair => pair.First == pair.Second) == 0, "two seeds gave an identical example");
    }

    [Fact]
    public void ASmallerCountIsAPrefixOfALargerOne()
    {
        var small = SyntheticData.Generate(DatasetVariant.Columns3, 10, 3, DataSplit.Train).Select(DataAssert.Fingerprint);
        var large = SyntheticData.Generate(DatasetVariant.Columns3, 40, 3, DataSplit.Train).Select(DataAssert.Fingerprint);
        Assert.Equal(small, large.Take(10));
    }

    [Theory]
    [InlineData(DatasetVariant.SingleColumn)]
    [InlineData(DatasetVariant.Columns3)]
    [InlineData(DatasetVariant.Columns10)]
    [InlineData(DatasetVariant.WordVariability5)]
    [InlineData(DatasetVariant.TextMatch2)]
    [InlineData(DatasetVariant.TextMatch5)]
    public void TrainingTablesFollowTheTrainingDistribution(DatasetVariant variant)
    {
        var facts = variant.Facts();
        var tables = SyntheticData.Generate(variant, 1500, seed: 1, DataSplit.Train).Select(e => e.Table).ToList();
        var rows = tables.Select(t => t.RowCount).ToList();
        Assert.All(rows, r => Assert.InRange(r, 30, 100));
        Assert.Contains(rows, r => r <= 33);
        Assert.Contains(rows, r => r >= 97);
        Assert.All(tables, t => Assert.All(t.Columns, c => Assert.Equal(t.RowCount, c.RowCount)));

        var columnCounts = tables.Select(t => t.ColumnCount).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(facts.MinColumns, facts.MaxColumns - facts.MinColumns + 1), columnCounts);

        var values = tables.SelectMany(t => t.Columns.Where(c => !c.IsText).SelectMany(c => c.Numbers!)).ToList();
        Assert.All(values, v => Assert.InRange(v, -100, 100));
        Assert.All(values, v => Assert.True(DataAssert.HasTwoDecimals(v), $"{v} has more than two decimals"));
        Assert.True(values.Min() < -99 && values.Max() > 99, "values do not fill [-100, 100]");
        Assert.InRange(values.Average(), -2, 2);
        AssertColumnRoles(facts, tables);
    }

    [Theory]
    [InlineData(DatasetVariant.SingleColumn)]
    [InlineData(DatasetVariant.Columns5)]
    [InlineData(DatasetVariant.WordVariability1)]
    [InlineData(DatasetVariant.TextMatch5)]
    public void TestTablesHave120RowsAllColumnsAndAWiderRange(DatasetVariant variant)
    {
        var facts = variant.Facts();
        var tables = SyntheticData.Generate(variant, 200, seed: 2, DataSplit.Test).Select(e => e.Table).ToList();
        Assert.All(tables, t =>
        {
            Assert.Equal(120, t.RowCount);
            Assert.Equal(facts.ColumnNames, t.Columns.Select(c => c.Name));
            Assert.Equal(facts.MaxTextColumns, t.Columns.Count(c => c.IsText));
        });
        var values = tables.SelectMany(t => t.Columns.Where(c => !c.IsText).SelectMany(c => c.Numbers!)).ToList();
        Assert.All(values, v => Assert.InRange(v, -200, 200));
        Assert.All(values, v => Assert.True(DataAssert.HasTwoDecimals(v)));
        Assert.True(values.Min() < -198 && values.Max() > 198, "values do not fill [-200, 200]");
        Assert.True(values.Count(v => Math.Abs(v) > 100) > values.Count / 3, "too few values beyond the training range");
        AssertColumnRoles(facts, tables);
    }

    private static void AssertColumnRoles(VariantFacts facts, List<Table> tables)
    {
        foreach (var table in tables)
        {
            var text = table.Columns.Where(c => c.IsText).ToList();
            var numeric = table.Columns.Where(c => !c.IsText).ToList();
            Assert.Equal(facts.TextColumnNames.Take(text.Count), text.Select(c => c.Name));
            Assert.Equal(facts.NumericColumnNames.Take(numeric.Count), numeric.Select(c => c.Name));
            Assert.NotEmpty(numeric);
            if (facts.TextMatch) Assert.NotEmpty(text);
            Assert.All(text.SelectMany(c => c.Words!), w => Assert.Contains(w, TextWords.All));
        }
        if (facts.TextMatch)
            Assert.Equal(TextWords.All.Order(), tables.SelectMany(t => t.Columns.Where(c => c.IsText).SelectMany(c => c.Words!)).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(VariantsAndSplits))]
    public void EveryAnswerMatchesAnIndependentInterpreter(DatasetVariant variant, DataSplit split)
    {
        foreach (var example in SyntheticData.Generate(variant, 400, seed: 23, split))
        {
            var result = QuestionInterpreter.Run(example.Question.Text, example.Table);
            Assert.Equal(example.Category, result.Category);
            DataAssert.SameAnswer(result.Answer, example.Answer, example.Question.Text);
        }
    }

    [Theory]
    [MemberData(nameof(VariantsAndSplits))]
    public void LogicAnswersAreNeitherEmptyNorTheWholeTable(DatasetVariant variant, DataSplit split)
    {
        var examples = SyntheticData.Generate(variant, 300, seed: 29, split, [TemplateCategory.Logic]);
        Assert.All(examples, example =>
        {
            Assert.Equal(TemplateCategory.Logic, example.Category);
            int selected = QuestionInterpreter.Run(example.Question.Text, example.Table).SelectedRows.Count(r => r);
            Assert.InRange(selected, 1, example.Table.RowCount - 1);
        });
    }

    [Theory]
    [MemberData(nameof(VariantsAndSplits))]
    public void TemplatesComeFromTheGrammarAndPivotsFromTheTable(DatasetVariant variant, DataSplit split)
    {
        var ids = TemplateGrammar.For(variant).Templates().Select(t => t.Id).ToHashSet();
        foreach (var example in SyntheticData.Generate(variant, 300, seed: 31, split))
        {
            Assert.Contains(example.Template, ids);
            var numbers = example.Table.Columns.Where(c => !c.IsText).SelectMany(c => c.Numbers!).ToList();
            Assert.Equal(example.Question.Numbers.Count, example.Template.Split(' ').Count(w => w == "n"));
            Assert.All(example.Question.Numbers, pivot =>
            {
                Assert.InRange(pivot, numbers.Min(), numbers.Max());
                Assert.True(DataAssert.HasTwoDecimals(pivot));
            });
            foreach (var column in example.Template.Split(' ').Where(w => w.Length == 1 && char.IsUpper(w[0])))
                Assert.Contains(column, example.Table.Columns.Select(c => c.Name));
        }
    }

    [Theory]
    [InlineData(DatasetVariant.SingleColumn)]
    [InlineData(DatasetVariant.WordVariability5)]
    [InlineData(DatasetVariant.TextMatch5)]
    public void NumbersAreTakenOutOfTheWordsAndKeepTheComparisonWordToTheirLeft(DatasetVariant variant)
    {
        string[] lastWordsOfComparisons = ["greater", "lesser", "than", "bigger", "larger", "smaller", "under"];
        foreach (var example in SyntheticData.Generate(variant, 300, seed: 37, DataSplit.Train))
        {
            var question = example.Question;
            Assert.DoesNotContain(question.Words, w => double.TryParse(w, System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.Equal(question.Numbers.Count, question.NumberPositions.Count);
            Assert.Equal(question.NumberPositions.Order(), question.NumberPositions);
            Assert.All(question.NumberPositions, position => Assert.Contains(question.Words[position], lastWordsOfComparisons));
            int comparisons = question.Words.Count(w => w is "greater" or "lesser" or "bigger" or "larger" or "smaller" or "under");
            Assert.Equal(comparisons, question.Numbers.Count);
        }
    }

    [Fact]
    public void CategoriesAreDrawnUniformly()
    {
        var counts = SyntheticData.Generate(DatasetVariant.Columns5, 4000, seed: 41, DataSplit.Train)
            .GroupBy(e => e.Category).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 850, 1150));
    }

    [Fact]
    public void FormsAreDrawnUniformlyWithinACategory()
    {
        var counts = SyntheticData.Generate(DatasetVariant.SingleColumn, 6000, seed: 43, DataSplit.Train, [TemplateCategory.Comparison])
            .GroupBy(e => e.Template).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 850, 1150));
    }

    [Fact]
    public void ColumnsAreDrawnUniformlyAmongTheTablesColumns()
    {
        var columns = SyntheticData.Generate(DatasetVariant.Columns3, 3000, seed: 47, DataSplit.Test, [TemplateCategory.Aggregation])
            .Where(e => e.Template.StartsWith("sum ", StringComparison.Ordinal))
            .GroupBy(e => e.Template).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["sum A", "sum B", "sum C"], columns.Keys.Order());
        int total = columns.Values.Sum();
        Assert.All(columns.Values, n => Assert.InRange(n, total / 3 - total / 8, total / 3 + total / 8));
    }

    [Fact]
    public void OnlyTheAskedCategoriesAreDrawn()
    {
        var examples = SyntheticData.Generate(DatasetVariant.TextMatch5, 300, seed: 53, DataSplit.Train,
            [TemplateCategory.Arithmetic, TemplateCategory.Aggregation]);
        Assert.Equal([TemplateCategory.Aggregation, TemplateCategory.Arithmetic], examples.Select(e => e.Category).Distinct().Order());
        Assert.Throws<ArgumentException>(() => SyntheticData.Generate(DatasetVariant.SingleColumn, 1, 1, DataSplit.Train, []));
    }

    [Fact]
    public void PrintAnswersMarkTheSelectedRowsOfOneColumn()
    {
        var examples = SyntheticData.Generate(DatasetVariant.Columns5, 400, seed: 59, DataSplit.Train)
            .Where(e => e.Answer is LookupAnswer).ToList();
        Assert.NotEmpty(examples);
        Assert.All(examples, example =>
        {
            var lookup = (LookupAnswer)example.Answer;
            Assert.Equal(example.Table.RowCount, lookup.Rows);
            Assert.Equal(example.Table.ColumnCount, lookup.Columns);
            var marked = Enumerable.Range(0, lookup.Columns).Where(j => Enumerable.Range(0, lookup.Rows).Any(i => lookup[i, j])).ToList();
            Assert.True(marked.Count <= 1);
            Assert.Contains("print", example.Template);
        });
    }
}
