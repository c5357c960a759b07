using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

public class TemplateGrammarTests
{
    [Theory]
    [InlineData(DatasetVariant.SingleColumn, 23)]
    [InlineData(DatasetVariant.Columns3, 307)]
    [InlineData(DatasetVariant.Columns5, 1231)]
    [InlineData(DatasetVariant.WordVariability1, 1368)]
    public void TemplateCountsMatchThePaper(DatasetVariant variant, int expected) =>
        Assert.Equal(expected, TemplateGrammar.For(variant).Templates().Count());

    [Theory]
    [InlineData(DatasetVariant.SingleColumn, 1)]
    [InlineData(DatasetVariant.Columns3, 3)]
    [InlineData(DatasetVariant.Columns5, 5)]
    [InlineData(DatasetVariant.Columns10, 10)]
    public void PlainTemplateCountFollowsTheFormula(DatasetVariant variant, int c) =>
        Assert.Equal(DataAssert.Columns(c), TemplateGrammar.For(variant).Templates().Count());

    [Theory]
    [InlineData(DatasetVariant.WordVariability1, 1)]
    [InlineData(DatasetVariant.WordVariability5, 5)]
    public void WordVariabilityCountMultipliesThePhrases(DatasetVariant variant, int c)
    {
        int sum = 4, count = 3, print = 3, greater = 6, lesser = 5, difference = 2;
        int aggregation = sum * c + count + print * c;
        int comparison = (greater + lesser) * c * aggregation;
        int logic = 4 * greater * lesser * c * c * aggregation;
        int arithmetic = 2 * sum * difference * count * c;
        Assert.Equal(aggregation + comparison + logic + arithmetic, TemplateGrammar.For(variant).Templates().Count());
    }

    [Theory]
    [InlineData(DatasetVariant.TextMatch2, 1, 1)]
    [InlineData(DatasetVariant.TextMatch5, 3, 2)]
    public void TextMatchCountFollowsItsFormula(DatasetVariant variant, int n, int t)
    {
        int aggregation = 2 * n + 1;
        int comparison = (2 * n + t) * aggregation;
        int logic = 2 * (2 * n * n + 4 * n * t + t * t) * aggregation;
        Assert.Equal(aggregation + comparison + logic + 2 * n, TemplateGrammar.For(variant).Templates().Count());
    }

    [Theory]
    [InlineData(DatasetVariant.SingleColumn, 3, 6, 12, 2)]
    [InlineData(DatasetVariant.Columns3, 7, 42, 252, 6)]
    [InlineData(DatasetVariant.TextMatch2, 3, 9, 42, 2)]
    public void TemplatesPerCategory(DatasetVariant variant, int aggregation, int comparison, int logic, int arithmetic)
    {
        var counts = TemplateGrammar.For(variant).Templates().GroupBy(t => t.Category).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(aggregation, counts[TemplateCategory.Aggregation]);
        Assert.Equal(comparison, counts[TemplateCategory.Comparison]);
        Assert.Equal(logic, counts[TemplateCategory.Logic]);
        Assert.Equal(arithmetic, counts[TemplateCategory.Arithmetic]);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TemplateIdsAreUniqueAndCategoriesMatchTheirShape(DatasetVariant variant)
    {
        var templates = TemplateGrammar.For(variant).Templates().ToList();
        Assert.Equal(templates.Count, templates.Select(t => t.Id).Distinct().Count());
        foreach (var template in templates)
        {
            switch (template.Category)
            {
                case TemplateCategory.Aggregation:
                    Assert.Null(template.Condition);
                    Assert.IsNotType<SumDiffCount>(template.Aggregate);
                    Assert.IsNotType<CountDiffSum>(template.Aggregate);
                    break;
                case TemplateCategory.Comparison:
                    Assert.IsNotType<LogicalCombination>(template.Condition);
                    Assert.NotNull(template.Condition);
                    break;
                case TemplateCategory.Logic:
                    Assert.IsType<LogicalCombination>(template.Condition);
                    break;
                case TemplateCategory.Arithmetic:
                    Assert.Null(template.Condition);
                    Assert.True(template.Aggregate is SumDiffCount or CountDiffSum);
                    break;
            }
        }
    }

    [Fact]
    public void SingleColumnTemplatesNameNoColumn()
    {
        var ids = TemplateGrammar.For(DatasetVariant.SingleColumn).Templates().Select(t => t.Id).ToHashSet();
        Assert.Contains("sum", ids);
        Assert.Contains("greater n sum", ids);
        Assert.Contains("lesser n and greater n print", ids);
        Assert.Contains("greater n or lesser n count", ids);
        Assert.Contains("sum diff count", ids);
        Assert.Contains("count diff sum", ids);
        Assert.DoesNotContain(ids, id => id.Split(' ').Contains("A"));
    }

    [Fact]
    public void MultiColumnTemplatesNameTheirColumnsExceptCountAndDifference()
    {
        var ids = TemplateGrammar.For(DatasetVariant.Columns3).Templates().Select(t => t.Id).ToHashSet();
        Assert.Contains("greater n B and lesser n C sum A", ids);
        Assert.Contains("lesser n C or greater n C count", ids);
        Assert.Contains("sum B diff count", ids);
        Assert.Contains("count diff sum C", ids);
        Assert.Contains("print A", ids);
        Assert.Contains("count", ids);
        Assert.DoesNotContain(ids, id => id.Contains("count A") || id.Contains("diff A"));
    }

    [Fact]
    public void TextMatchTemplatesSelectTextColumnsAndComputeOnNumericOnes()
    {
        var grammar = TemplateGrammar.For(DatasetVariant.TextMatch5);
        var text = grammar.Facts.TextColumnNames.ToHashSet();
        var ids = grammar.Templates().Select(t => t.Id).ToHashSet();
        Assert.Contains("word:k A sum C", ids);
        Assert.Contains("word:k B and lesser n E print D", ids);
        Assert.Contains("word:k A or word:k B count", ids);
        foreach (var id in ids)
        {
            var words = id.Split(' ');
            for (int i = 0; i < words.Length - 1; i++)
                if (words[i] is "greater" or "lesser" or "sum" or "print")
                {
                    var column = words[i + 1] == "n" ? words[i + 2] : words[i + 1];
                    if (column != "diff") Assert.DoesNotContain(column, text);
                }
                else if (words[i] == "word:k")
                    Assert.Contains(words[i + 1], text);
        }
    }

    [Fact]
    public void WordVariabilityUsesMultiWordPhrases()
    {
        var ids = TemplateGrammar.For(DatasetVariant.WordVariability1).Templates().Select(t => t.Id).ToHashSet();
        Assert.Contains("greater than n and under n how many", ids);
        Assert.Contains("total of difference between count of", ids);
        Assert.Contains("bigger n or smaller than n display", ids);
        Assert.DoesNotContain(ids, id => id.Contains("diff "));
    }

    [Fact]
    public void FormsPerCategory()
    {
        var grammar = TemplateGrammar.For(DatasetVariant.Columns5);
        Assert.Equal(3, grammar.FormsOf(TemplateCategory.Aggregation).Count);
        Assert.Equal(6, grammar.FormsOf(TemplateCategory.Comparison).Count);
        Assert.Equal(12, grammar.FormsOf(TemplateCategory.Logic).Count);
        Assert.Equal(2, grammar.FormsOf(TemplateCategory.Arithmetic).Count);
        Assert.Contains("greater n <num> and lesser n <num> sum <num>", grammar.Forms.Select(f => f.Shape));
        Assert.Equal(42, TemplateGrammar.For(DatasetVariant.TextMatch2).FormsOf(TemplateCategory.Logic).Count);
    }

    [Theory]
    [InlineData(DatasetVariant.SingleColumn)]
    [InlineData(DatasetVariant.Columns3)]
    [InlineData(DatasetVariant.WordVariability1)]
    [InlineData(DatasetVariant.TextMatch2)]
    [InlineData(DatasetVariant.TextMatch5)]
    public void EveryTemplateAnswersAsTheInterpreterReadsIt(DatasetVariant variant)
    {
        var table = SyntheticData.Generate(variant, 1, seed: 5, DataSplit.Test)[0].Table;
        var random = new Random(11);
        foreach (var template in TemplateGrammar.For(variant).Templates())
        {
            var values = new TemplateValues(
                Enumerable.Range(0, template.PivotCount).Select(_ => random.Next(-15000, 15000) / 100.0).ToArray(),
                Enumerable.Range(0, template.TextWordCount).Select(_ => random.Next(10)).ToArray());
            var question = template.Render(values);
            var result = QuestionInterpreter.Run(question.Text, table);
            Assert.Equal(template.Category, result.Category);
            DataAssert.SameAnswer(result.Answer, template.Evaluate(table, values), question.Text);
        }
    }

    public static TheoryData<DatasetVariant> Variants() => new(DatasetVariants.All);
}
