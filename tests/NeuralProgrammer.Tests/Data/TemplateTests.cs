using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

public class TemplateTests
{
    private static readonly Table Table = new([
        new TableColumn("A", Numbers: [1, 2, 3, 2]),
        new TableColumn("B", Numbers: [10, -5, 0.25, 7]),
    ]);

    private static Template Find(DatasetVariant variant, string id) =>
        TemplateGrammar.For(variant).Templates().Single(t => t.Id == id);

    [Fact]
    public void ComparisonsAreStrict()
    {
        var greater = Find(DatasetVariant.Columns3, "greater n A sum B");
        Assert.Equal(new ScalarAnswer(0.25), greater.Evaluate(Table, new([2], [])));
        var lesser = Find(DatasetVariant.Columns3, "lesser n A count");
        Assert.Equal(new ScalarAnswer(1), lesser.Evaluate(Table, new([2], [])));
    }

    [Fact]
    public void DifferencesSubtractInTheOrderTheyAreAsked()
    {
        Assert.Equal(new ScalarAnswer(12.25 - 4), Find(DatasetVariant.Columns3, "sum B diff count").Evaluate(Table, TemplateValues.None));
        Assert.Equal(new ScalarAnswer(4 - 8.0), Find(DatasetVariant.Columns3, "count diff sum A").Evaluate(Table, TemplateValues.None));
    }

    [Fact]
    public void PrintMarksTheSelectedRowsOfItsColumn()
    {
        var template = Find(DatasetVariant.Columns3, "greater n A and lesser n B print B");
        var answer = Assert.IsType<LookupAnswer>(template.Evaluate(Table, new([1.5, 6], [])));
        Assert.Equal([false, false, false, true, false, true, false, false], answer.Cells);
        Assert.Equal("greater 1.50 A and lesser 6.00 B print B", template.Render(new([1.5, 6], [])).Text);
    }

    [Fact]
    public void TextMatchSelectsRowsHoldingTheWord()
    {
        var table = new Table([
            new TableColumn("A", Words: ["word:1", "word:2", "word:1"]),
            new TableColumn("B", Numbers: [4, 5, 6]),
        ]);
        var template = Find(DatasetVariant.TextMatch2, "word:k A or greater n B sum B");
        var values = new TemplateValues([5.5], [1]);
        Assert.Equal(new ScalarAnswer(10), template.Evaluate(table, values));
        var question = template.Render(values);
        Assert.Equal("word:1 A or greater 5.50 B sum B", question.Text);
        Assert.Equal([3], question.NumberPositions);
    }

    [Fact]
    public void ValuesMustFillEverySlot()
    {
        var template = Find(DatasetVariant.SingleColumn, "greater n or lesser n count");
        Assert.Equal(2, template.PivotCount);
        var error = Assert.Throws<ArgumentException>(() => template.Render(new([1], [])));
        Assert.Contains("greater n or lesser n count", error.Message);
    }
}
