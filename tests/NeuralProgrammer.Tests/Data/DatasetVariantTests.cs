using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

public class DatasetVariantTests
{
    [Theory]
    [InlineData("single-column", DatasetVariant.SingleColumn)]
    [InlineData("3-columns", DatasetVariant.Columns3)]
    [InlineData("5-columns", DatasetVariant.Columns5)]
    [InlineData("10-columns", DatasetVariant.Columns10)]
    [InlineData("word-variability-1", DatasetVariant.WordVariability1)]
    [InlineData("word-variability-5", DatasetVariant.WordVariability5)]
    [InlineData("text-match-2", DatasetVariant.TextMatch2)]
    [InlineData("text-match-5", DatasetVariant.TextMatch5)]
    public void NamesParseAndPrintBack(string name, DatasetVariant variant)
    {
        Assert.Equal(variant, DatasetVariants.Parse(name));
        Assert.Equal(variant, DatasetVariants.Parse(" " + name.ToUpperInvariant() + " "));
        Assert.Equal(name, variant.Name());
    }

    [Fact]
    public void EveryVariantHasADistinctName()
    {
        Assert.Equal(Enum.GetValues<DatasetVariant>().Length, DatasetVariants.All.Count);
        Assert.Equal(DatasetVariants.All.Count, DatasetVariants.All.Select(v => v.Name()).Distinct().Count());
        foreach (var variant in DatasetVariants.All) Assert.Equal(variant, DatasetVariants.Parse(variant.Name()));
    }

    [Theory]
    [InlineData("4-columns")]
    [InlineData("")]
    [InlineData("singlecolumn")]
    public void AnUnknownNameIsRejectedWithTheValidOnes(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetVariants.Parse(name));
        Assert.Contains($"'{name}'", error.Message);
        foreach (var valid in DatasetVariants.Names) Assert.Contains(valid, error.Message);
        Assert.False(DatasetVariants.TryParse(name, out _));
    }

    [Theory]
    [InlineData(DatasetVariant.SingleColumn, 1, 1, 0, false)]
    [InlineData(DatasetVariant.Columns3, 3, 3, 0, false)]
    [InlineData(DatasetVariant.Columns5, 5, 5, 0, false)]
    [InlineData(DatasetVariant.Columns10, 10, 10, 0, false)]
    [InlineData(DatasetVariant.WordVariability1, 1, 1, 0, true)]
    [InlineData(DatasetVariant.WordVariability5, 5, 5, 0, true)]
    [InlineData(DatasetVariant.TextMatch2, 2, 1, 1, false)]
    [InlineData(DatasetVariant.TextMatch5, 5, 3, 2, false)]
    public void FactsFollowThePaper(DatasetVariant variant, int columns, int numeric, int text, bool wordVariability)
    {
        var facts = variant.Facts();
        Assert.Equal(columns, facts.MaxColumns);
        Assert.Equal(numeric, facts.MaxNumericColumns);
        Assert.Equal(text, facts.MaxTextColumns);
        Assert.Equal(wordVariability, facts.WordVariability);
        Assert.Equal(text > 0, facts.TextMatch);
        Assert.Equal(columns > 1, facts.NamesColumns);
        Assert.Equal(Enumerable.Range(0, columns).Select(j => ((char)('A' + j)).ToString()), facts.ColumnNames);
        Assert.Equal(facts.ColumnNames, facts.TextColumnNames.Concat(facts.NumericColumnNames));
    }

    [Fact]
    public void TenColumnsAreNamedAToJ() =>
        Assert.Equal("ABCDEFGHIJ", string.Concat(DatasetVariant.Columns10.Facts().ColumnNames));
}
