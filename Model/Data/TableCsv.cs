using System.Globalization;
using nietras.SeparatedValues;

namespace NeuralProgrammer.Model.Data;

/// <summary>
/// Reads a user's table from comma-separated text: the first row names the columns; a column whose every cell is an
/// invariant-culture number is numeric, any other is text (each cell one token, spaces around it trimmed).
/// </summary>
public static class TableCsv
{
    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="TableFormatException">The file is not a well-formed table.</exception>
    public static Table Read(string path)
    {
        using var reader = File.OpenText(path);
        return Parse(reader);
    }

    /// <summary>Reads CSV text (not a path: see <see cref="Read"/>).</summary>
    /// <exception cref="TableFormatException">The text is not a well-formed table.</exception>
    public static Table Parse(string csv) => Parse(new StringReader(csv));

    /// <exception cref="TableFormatException">The text is not a well-formed table.</exception>
    public static Table Parse(TextReader text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = Sep.New(',')
            .Reader(options => options with
            {
                HasHeader = false,
                DisableColCountCheck = true,
                Unescape = true,
                Trim = SepTrim.All,
            })
            .From(text, leaveOpen: true);

        string[]? header = null;
        int headerLine = 0;
        var rows = new List<string[]>();
        foreach (var row in reader)
        {
            if (row.Span.IsWhiteSpace()) continue;
            // Sep 0.17.1 reports the first row as starting on line 2 (LineNumberFrom 2, ToExcl 2); it starts on line 1.
            int line = row.RowIndex == 0 ? 1 : row.LineNumberFrom;
            var cells = new string[row.ColCount];
            for (int j = 0; j < cells.Length; j++) cells[j] = row[j].ToString().Trim();
            if (header is null)
            {
                header = cells;
                headerLine = line;
                CheckHeader(header, headerLine);
            }
            else
            {
                CheckRow(header, headerLine, line, cells);
                rows.Add(cells);
            }
        }

        if (header is null)
            throw new TableFormatException("The CSV is empty: expected a header row of column names, then data rows.", line: 1);
        if (rows.Count == 0)
            throw new TableFormatException(
                $"The CSV has a header on line {headerLine} ({string.Join(", ", header)}) but no data rows.", headerLine);

        return new Table(header.Select((name, j) => Column(name, rows.Select(row => row[j]).ToArray())).ToArray());
    }

    private static TableColumn Column(string name, string[] cells)
    {
        var numbers = new double[cells.Length];
        for (int i = 0; i < cells.Length; i++)
            if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
                return new TableColumn(name, Words: cells);
        return new TableColumn(name, Numbers: numbers);
    }

    private static void CheckHeader(string[] header, int line)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < header.Length; j++)
        {
            if (header[j].Length == 0)
                throw new TableFormatException(
                    $"Line {line} (the header): column {j + 1} has an empty name; every column needs one.", line, $"column {j + 1}");
            if (!seen.TryAdd(header[j], j))
                throw new TableFormatException(
                    $"Line {line} (the header): the column name '{header[j]}' is used twice (columns {seen[header[j]] + 1} " +
                    $"and {j + 1}); column names must be unique.", line, header[j]);
        }
    }

    private static void CheckRow(string[] header, int headerLine, int line, string[] cells)
    {
        if (cells.Length < header.Length)
            throw new TableFormatException(
                $"Line {line} has {cells.Length} cells but the header (line {headerLine}) has {header.Length} columns: " +
                $"column '{header[cells.Length]}' is missing.", line, header[cells.Length]);
        if (cells.Length > header.Length)
            throw new TableFormatException(
                $"Line {line} has {cells.Length} cells but the header (line {headerLine}) has {header.Length} columns: " +
                $"cell {header.Length + 1} ('{cells[header.Length]}') has no column.", line, $"column {header.Length + 1}");
        for (int j = 0; j < cells.Length; j++)
            if (cells[j].Length == 0)
                throw new TableFormatException($"Line {line}: the cell in column '{header[j]}' is empty.", line, header[j]);
    }
}
