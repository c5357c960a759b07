namespace NeuralProgrammer.Model.Data;

/// <summary>The columns and phrases a template may use: those of one table, or of a variant's full test table.</summary>
public sealed record TemplateOptions(IReadOnlyList<string> NumericColumns, IReadOnlyList<string> TextColumns, bool WordVariability)
{
    public static TemplateOptions For(Table table, bool wordVariability) => new(
        table.Columns.Where(column => !column.IsText).Select(column => column.Name).ToArray(),
        table.Columns.Where(column => column.IsText).Select(column => column.Name).ToArray(),
        wordVariability);

    public IReadOnlyList<string> Columns(ColumnKind kind) => kind == ColumnKind.Numeric ? NumericColumns : TextColumns;

    public IReadOnlyList<string> Phrases(Keyword keyword) => Lexicon.Phrases(keyword, WordVariability);
}
