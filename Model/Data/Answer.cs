namespace NeuralProgrammer.Model.Data;

/// <summary>The answer to a question: a scalar (sum, count, difference) or a lookup of table cells (print).</summary>
public abstract record Answer;

public sealed record ScalarAnswer(double Value) : Answer;

/// <summary>A 0/1 M×C matrix marking the cells to print, row-major: <c>Cells[row * columns + column]</c>.</summary>
public sealed record LookupAnswer(int Rows, int Columns, IReadOnlyList<bool> Cells) : Answer
{
    public bool this[int row, int column] => Cells[row * Columns + column];
}
