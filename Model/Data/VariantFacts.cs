namespace NeuralProgrammer.Model.Data;

/// <summary>
/// What defines a dataset variant: how many numeric and text columns its test tables have (training tables may have
/// fewer) and whether its questions use synonyms (docs/model.md 1.8).
/// </summary>
/// <remarks>
/// Column names are fixed per role so that a name always denotes the same kind of column: the text columns take the
/// first letters, the numeric columns the next ones (text match 5: A, B text; C, D, E numeric). A training table with
/// fewer columns takes the first names of each role, so a text-match-5 table with one text and two numeric columns has
/// columns A, C, D.
/// </remarks>
public sealed record VariantFacts(int MaxNumericColumns, int MaxTextColumns, bool WordVariability)
{
    public int MaxColumns => MaxNumericColumns + MaxTextColumns;

    public bool TextMatch => MaxTextColumns > 0;

    /// <summary>Single-column questions carry no column names ("greater 50.32 sum"); all others do.</summary>
    public bool NamesColumns => MaxColumns > 1;

    /// <summary>The fewest columns a table needs for every template form: one, or one text and one numeric.</summary>
    public int MinColumns => TextMatch ? 2 : 1;

    public IReadOnlyList<string> TextColumnNames => Enumerable.Range(0, MaxTextColumns).Select(ColumnName).ToArray();

    public IReadOnlyList<string> NumericColumnNames =>
        Enumerable.Range(MaxTextColumns, MaxNumericColumns).Select(ColumnName).ToArray();

    public IReadOnlyList<string> ColumnNames => Enumerable.Range(0, MaxColumns).Select(ColumnName).ToArray();

    /// <summary>A, B, C, ... for column index 0, 1, 2, ...</summary>
    public static string ColumnName(int index) => ((char)('A' + index)).ToString();
}
