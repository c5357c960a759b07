namespace NeuralProgrammer.Model.Data;

/// <summary>A CSV table that cannot be read; the message names the problem, the line and the column.</summary>
public sealed class TableFormatException : FormatException
{
    public TableFormatException(string message, int? line = null, string? column = null) : base(message)
    {
        Line = line;
        Column = column;
    }

    /// <summary>The 1-based line of the CSV text the problem is on, when it is on one.</summary>
    public int? Line { get; }

    /// <summary>The column concerned: its name, or "column k" (1-based) when it has none.</summary>
    public string? Column { get; }
}
