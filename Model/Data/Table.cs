namespace NeuralProgrammer.Model.Data;

/// <summary>One named column: numeric (<see cref="Numbers"/>) or text (<see cref="Words"/>, one token per cell).</summary>
public sealed record TableColumn(string Name, IReadOnlyList<double>? Numbers = null, IReadOnlyList<string>? Words = null)
{
    public bool IsText => Words is not null;
    public int RowCount => Numbers?.Count ?? Words?.Count ?? 0;
}

/// <summary>A table of M rows × C named columns (docs/model.md 1.1).</summary>
public sealed record Table(IReadOnlyList<TableColumn> Columns)
{
    public int ColumnCount => Columns.Count;
    public int RowCount => Columns.Count == 0 ? 0 : Columns[0].RowCount;

    public int ColumnIndex(string name)
    {
        for (int j = 0; j < Columns.Count; j++)
            if (Columns[j].Name == name) return j;
        throw new ArgumentException(
            $"The table has no column '{name}'; its columns are {string.Join(", ", Columns.Select(c => c.Name))}.", nameof(name));
    }

    public TableColumn Column(string name) => Columns[ColumnIndex(name)];
}
