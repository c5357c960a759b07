using System.Text;
using nietras.SeparatedValues;

namespace NeuralProgrammer.Model.Data;

/// <summary>
/// Reads a user's table from comma-separated text: the first row names the columns, each later row gives one cell per
/// column (quotes around a cell with commas, CRLF or LF line ends; a UTF-8 byte-order mark is skipped, and a file that
/// is not valid UTF-8 is read as Windows-1252, of which Latin-1's printable characters are part). A column is numeric
/// when at least half its cells are numbers in the forms of <see cref="NumberText"/> — 1,234.5, -3e2, $12.50, ($4) for
/// −4, 7% for 7 (kept as written, as questions read them) — and then every cell must be such a number, within float32
/// (±3.4e38), and all in one unit (all plain, all percentages or all in one currency); any other column is text, one
/// token per cell, spaces around it trimmed. A cell that breaks these rules (empty, NaN, Inf, a word among numbers,
/// 1,23 or 1 234), ragged rows, empty or duplicate column names, and a table beyond <see cref="MaxRows"/> rows or
/// <see cref="MaxColumns"/> columns are refused with a <see cref="TableFormatException"/> naming the line and the column,
/// never read as something else in silence.
/// </summary>
public static class TableCsv
{
    // Reading and answering take time and memory in proportion to rows × columns (every program step reads every cell,
    // and a lookup answer may print every cell): on one CPU thread a 10,000 × 50 table reads in about 1.5 s and is
    // answered in 0.3 s. The model was trained on 30–120 rows and at most 10 columns, so a table far beyond these
    // limits would mostly wait longer to be answered wrong.
    /// <summary>The most data rows a table may have.</summary>
    public const int MaxRows = 10_000;

    /// <summary>The most columns a table may have.</summary>
    public const int MaxColumns = 50;

    static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the CSV file at <paramref name="path"/>: UTF-8 (or UTF-16 with a byte-order mark), else Windows-1252.</summary>
    /// <exception cref="TableFormatException">The file is not a well-formed table.</exception>
    public static Table Read(string path)
    {
        try
        {
            using var utf8 = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: true);
            return Parse(utf8);
        }
        catch (DecoderFallbackException)
        {
            // Spreadsheets on Windows save "CSV" in this code page: Latin-1, plus € and curly quotes at 0x80–0x9F.
            using var windows1252 = new StreamReader(path, CodePagesEncodingProvider.Instance.GetEncoding(1252)!);
            return Parse(windows1252);
        }
    }

    /// <summary>Reads CSV text (not a path: see <see cref="Read"/>).</summary>
    /// <exception cref="TableFormatException">The text is not a well-formed table.</exception>
    public static Table Parse(string csv) => Parse(new StringReader(csv));

    /// <exception cref="TableFormatException">The text is not a well-formed table.</exception>
    public static Table Parse(TextReader text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Peek() == '\uFEFF') text.Read();
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
        var rows = new List<(int Line, string[] Cells)>();
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
                if (rows.Count == MaxRows)
                    throw new TableFormatException(
                        $"Line {line}: the table has more than {MaxRows} rows, the most the model answers in reasonable time " +
                        $"(with at most {MaxColumns} columns); keep the rows the question is about.", line);
                CheckRow(header, headerLine, line, cells);
                rows.Add((line, cells));
            }
        }

        if (header is null)
            throw new TableFormatException("The CSV is empty: expected a header row of column names, then data rows.", line: 1);
        if (rows.Count == 0)
            throw new TableFormatException(
                $"The CSV has a header on line {headerLine} ({string.Join(", ", header)}) but no data rows.", headerLine);

        return new Table(header.Select((name, j) => Column(name, rows.Select(row => (row.Line, row.Cells[j])).ToArray())).ToArray());
    }

    private static TableColumn Column(string name, (int Line, string Text)[] cells)
    {
        var numbers = new double[cells.Length];
        var units = new string[cells.Length];
        var isNumber = new bool[cells.Length];
        var problems = new string?[cells.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            isNumber[i] = NumberText.TryRead(cells[i].Text, out numbers[i], out units[i], out problems[i]);
            problems[i] ??= MissingValue(cells[i].Text);
        }
        int count = isNumber.Count(n => n), meantAsNumbers = count + problems.Count(p => p is not null);
        // Mostly words: a text column, whose number-like cells are words too ("76" among team names).
        if (2 * meantAsNumbers < cells.Length) return new TableColumn(name, Words: cells.Select(c => c.Text).ToArray());

        int first = Array.IndexOf(isNumber, true);
        for (int i = 0; i < cells.Length; i++)
        {
            var (line, text) = cells[i];
            if (problems[i] is { } problem)
                throw new TableFormatException($"Line {line}, column '{name}': '{text}' {problem}.", line, name);
            if (!isNumber[i])
                throw new TableFormatException(
                    $"Line {line}, column '{name}': '{text}' is not a number, but {count} of the column's {cells.Length} cells " +
                    $"are. A column at least half of numbers is read as numbers, and then every cell must be one " +
                    $"({NumberText.Forms}); a column of mostly words is read as text.", line, name);
            if (units[i] != units[first])
                throw new TableFormatException(
                    $"Line {line}, column '{name}': '{text}' is {Unit(units[i])} but '{cells[first].Text}' on line " +
                    $"{cells[first].Line} is {Unit(units[first])}; write every number of a column in the same unit " +
                    $"(all plain, all with %, or all with one currency sign).", line, name);
        }
        return new TableColumn(name, Numbers: numbers);
    }

    private static string? MissingValue(string cell) =>
        cell.ToLowerInvariant().TrimStart('+', '-') is "nan" or "inf" or "infinity" or "na" or "n/a" or "null"
            ? "marks a missing or infinite value, but every cell of a numeric column must be a finite number: fill it in or remove the row"
            : null;

    private static string Unit(string unit) => unit switch
    {
        "" => "a plain number",
        "%" => "a percentage",
        _ => $"an amount in {unit}",
    };

    private static void CheckHeader(string[] header, int line)
    {
        if (header.Length > MaxColumns)
            throw new TableFormatException(
                $"Line {line} (the header): the table has {header.Length} columns, more than the {MaxColumns} the model " +
                $"answers in reasonable time; column {MaxColumns + 1} ('{header[MaxColumns]}') is the first too many.",
                line, header[MaxColumns]);
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
                throw new TableFormatException(
                    $"Line {line}: the cell in column '{header[j]}' is empty; every cell needs a value (a number, or a " +
                    $"word in a text column).", line, header[j]);
    }
}
