using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Tests.Data;

public class TableCsvTests
{
    [Fact]
    public void ReadsNumericAndTextColumns()
    {
        var table = TableCsv.Parse("""
            city, population ,area,code
            Paris, 2161000, 105.4, 75
            "Rome, Italy",2873000,1285,-1e2

            Oslo,709000,454.0,3
            """);
        Assert.Equal(["city", "population", "area", "code"], table.Columns.Select(c => c.Name));
        Assert.Equal(3, table.RowCount);
        Assert.True(table.Columns[0].IsText);
        Assert.Equal(["Paris", "Rome, Italy", "Oslo"], table.Columns[0].Words!);
        Assert.Equal([2161000.0, 2873000, 709000], table.Columns[1].Numbers!);
        Assert.Equal([105.4, 1285, 454.0], table.Columns[2].Numbers!);
        Assert.Equal([75.0, -100, 3], table.Columns[3].Numbers!);
    }

    [Fact]
    public void AWordAmongNumbersIsRefusedNamingItsLineAndColumn()
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("A,B\n1,2\nx,3\n"));
        Assert.Equal(3, error.Line);
        Assert.Equal("A", error.Column);
        Assert.Contains("Line 3, column 'A': 'x' is not a number", error.Message);
        Assert.Contains("1 of the column's 2 cells", error.Message);
    }

    [Fact]
    public void AColumnOfMostlyWordsIsTextNumbersIncluded()
    {
        var table = TableCsv.Parse("team,wins\nLakers,3\n76,4\nBulls,5\n");
        Assert.Equal(["Lakers", "76", "Bulls"], table.Column("team").Words!);
        Assert.Equal([3.0, 4, 5], table.Column("wins").Numbers!);
    }

    [Fact]
    public void ReadsAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"np-table-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "A,B\r\n1.5,word:2\r\n-3,word:7\r\n");
            var table = TableCsv.Read(path);
            Assert.Equal([1.5, -3], table.Column("A").Numbers!);
            Assert.Equal(["word:2", "word:7"], table.Column("B").Words!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ARowWithTooFewCellsNamesItsLineAndTheMissingColumn()
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("A,B,C\n1,2,3\n4,5\n"));
        Assert.Equal(3, error.Line);
        Assert.Equal("C", error.Column);
        Assert.Contains("Line 3", error.Message);
        Assert.Contains("'C'", error.Message);
        Assert.Contains("2 cells", error.Message);
        Assert.Contains("3 columns", error.Message);
    }

    [Fact]
    public void ARowWithTooManyCellsNamesItsLine()
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("A,B\n1,2\n3,4\n5,6,7\n"));
        Assert.Equal(4, error.Line);
        Assert.Contains("Line 4", error.Message);
        Assert.Contains("3 cells", error.Message);
        Assert.Contains("'7'", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \n")]
    public void AnEmptyFileIsRejected(string csv)
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse(csv));
        Assert.Contains("empty", error.Message);
        Assert.Contains("header", error.Message);
    }

    [Fact]
    public void AHeaderWithoutRowsIsRejected()
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("price,count\n"));
        Assert.Equal(1, error.Line);
        Assert.Contains("no data rows", error.Message);
        Assert.Contains("price, count", error.Message);
    }

    [Fact]
    public void DuplicateColumnNamesAreRejected()
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("A,B,A\n1,2,3\n"));
        Assert.Equal(1, error.Line);
        Assert.Equal("A", error.Column);
        Assert.Contains("'A'", error.Message);
        Assert.Contains("columns 1 and 3", error.Message);
        Assert.Contains("twice", error.Message);
    }

    [Fact]
    public void LinesCountFromTheTopOfTheFileIncludingBlankOnes()
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("\n\nA,A\n1,2\n"));
        Assert.Equal(3, error.Line);
        Assert.Contains("Line 3", error.Message);
        error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("A,B\n\"x\ny\",2\n3\n"));
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void AnEmptyColumnNameIsRejected()
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("A, ,C\n1,2,3\n"));
        Assert.Equal(1, error.Line);
        Assert.Contains("column 2", error.Message);
        Assert.Contains("empty name", error.Message);
    }

    [Fact]
    public void AnEmptyCellIsRejected()
    {
        var error = Assert.Throws<TableFormatException>(() => TableCsv.Parse("A,B\n1,2\n3, \n"));
        Assert.Equal(3, error.Line);
        Assert.Equal("B", error.Column);
        Assert.Contains("Line 3", error.Message);
        Assert.Contains("'B'", error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void ErrorsAreFormatExceptions() =>
        Assert.IsAssignableFrom<FormatException>(Assert.Throws<TableFormatException>(() => TableCsv.Parse("")));

    /// <summary>
    /// Every file of the catalogue (Data/Csv, plus those written here as bytes so that no editor or git setting can
    /// re-encode them) and what reading it gives: each column as "name: cells" (text cells quoted, cells joined by " | ",
    /// columns by "; "), or "refused at line L[, column 'C']: part of the message".
    /// </summary>
    public static TheoryData<string, string> Catalogue => new()
    {
        { "quoted-commas.csv", "city: \"Rome, Italy\" | \"Paris\"; population: 2873000 | 2161000.5" },
        { "currency.csv", "item: \"tea\" | \"cake\" | \"refund\" | \"bulk\"; price: 12.5 | -4 | -3.25 | 1200" },
        { "currency-after.csv", "item: \"tea\" | \"cake\"; price: 3 | 4.5" },
        { "percentages.csv", "month: \"jan\" | \"feb\" | \"mar\"; rate: 7 | -0.5 | 12.25" },
        { "exponents-and-signs.csv", "x: -300 | 1500 | 0.25 | 4" },
        { "blank-lines-and-spaces.csv", "name: \"pen\" | \"ink\"; qty: 3 | -2.5" },
        { "quoted-newline.csv", "note: \"two\nlines\" | \"plain\"; qty: 1 | 2" },
        { "text-with-a-number.csv", "team: \"Lakers\" | \"76\" | \"Bulls\"; wins: 3 | 4 | 5" },
        { "bom-utf8.csv", "price: 1 | 2" },
        { "utf16.csv", "ville: \"Zürich\"; prix: 4" },
        { "crlf.csv", "name: \"pen\" | \"ink, blue\"; qty: 3 | 4" },
        { "latin1.csv", "ville: \"Montréal\" | \"Zürich\"; prix: 3 | 4" },
        { "windows-1252-euro.csv", "article: \"thé\" | \"gâteau\"; prix: 3 | 4.5" },
        { "empty-cell.csv", "refused at line 3, column 'qty': is empty" },
        { "nan.csv", "refused at line 3, column 'qty': 'NaN' marks a missing or infinite value" },
        { "infinity.csv", "refused at line 2, column 'qty': '-Infinity' marks a missing or infinite value" },
        { "missing-marker.csv", "refused at line 3, column 'qty': 'N/A' marks a missing" },
        { "beyond-float32.csv", "refused at line 3, column 'qty': '1e39' is beyond ±3.4e38" },
        { "word-among-numbers.csv", "refused at line 4, column 'qty': 'five' is not a number, but 2 of the column's 3 cells are" },
        { "mixed-currencies.csv", "refused at line 3, column 'price': '€4' is an amount in € but '$3' on line 2 is an amount in $" },
        { "percent-and-plain.csv", "refused at line 3, column 'rate': '0.5' is a plain number but '7%' on line 2 is a percentage" },
        { "decimal-comma.csv", "refused at line 2, column 'price': '1,5' is not a number: a comma must group digits in threes" },
        { "space-grouped.csv", "refused at line 2, column 'price': '1 234' has digits grouped with spaces" },
        { "ragged-row.csv", "refused at line 3, column 'C': 2 cells but the header (line 1) has 3 columns" },
        { "duplicate-names.csv", "refused at line 1, column 'price': is used twice" },
        { "header-only.csv", "refused at line 1: no data rows" },
        { "too-many-rows.csv", $"refused at line {TableCsv.MaxRows + 2}: more than {TableCsv.MaxRows} rows" },
        { "too-many-columns.csv", $"refused at line 1, column 'c{TableCsv.MaxColumns + 1}': {TableCsv.MaxColumns + 1} columns, more than the {TableCsv.MaxColumns}" },
    };

    static readonly Dictionary<string, byte[]> WrittenAsBytes = new()
    {
        ["bom-utf8.csv"] = [0xEF, 0xBB, 0xBF, .. "price\n1\n2\n"u8],
        ["utf16.csv"] = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("ville,prix\nZürich,4\n")],
        ["crlf.csv"] = "name,qty\r\npen,3\r\n\"ink, blue\",4\r\n"u8.ToArray(),
        ["latin1.csv"] = Encoding.Latin1.GetBytes("ville,prix\r\nMontréal,3\r\nZürich,4\r\n"),
        // 0x80 is € in Windows-1252 (a control character in Latin-1).
        ["windows-1252-euro.csv"] = [.. Encoding.Latin1.GetBytes("article,prix\nthé,"), 0x80, .. "3\n"u8, .. Encoding.Latin1.GetBytes("gâteau,"), 0x80, .. "4.50\n"u8],
        ["too-many-rows.csv"] = Encoding.ASCII.GetBytes("n\n" + string.Concat(Enumerable.Repeat("1\n", TableCsv.MaxRows + 1))),
        ["too-many-columns.csv"] = Encoding.ASCII.GetBytes(
            string.Join(',', Enumerable.Range(1, TableCsv.MaxColumns + 1).Select(j => $"c{j}")) + "\n" +
            string.Join(',', Enumerable.Repeat("1", TableCsv.MaxColumns + 1)) + "\n"),
    };

    [Theory]
    [MemberData(nameof(Catalogue))]
    public void ReadsEachCatalogueFileOrRefusesItByName(string file, string expected)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"np-csv-{Guid.NewGuid():N}");
        try
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Data", "Csv", file);
            if (WrittenAsBytes.TryGetValue(file, out var bytes))
            {
                Directory.CreateDirectory(directory);
                File.WriteAllBytes(path = Path.Combine(directory, file), bytes);
            }

            var refusal = Regex.Match(expected, "^refused at line (?<line>[0-9]+)(, column '(?<column>[^']+)')?: (?<reason>.+)$");
            if (!refusal.Success)
            {
                Assert.Equal(expected, Describe(TableCsv.Read(path)));
                return;
            }
            var error = Assert.Throws<TableFormatException>(() => TableCsv.Read(path));
            int line = int.Parse(refusal.Groups["line"].Value, CultureInfo.InvariantCulture);
            Assert.Equal(line, error.Line);
            Assert.Contains($"line {line}", error.Message, StringComparison.OrdinalIgnoreCase);
            if (refusal.Groups["column"].Success)
            {
                Assert.Equal(refusal.Groups["column"].Value, error.Column);
                Assert.Contains($"'{error.Column}'", error.Message);
            }
            Assert.Contains(refusal.Groups["reason"].Value, error.Message);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void TheCatalogueHasEveryCheckedInFile()
    {
        var listed = Catalogue.Select(row => (string)row[0]).ToHashSet();
        var checkedIn = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Data", "Csv"), "*.csv").Select(Path.GetFileName);
        Assert.All(checkedIn, file => Assert.Contains(file!, listed));
        Assert.True(listed.Count >= 15);
    }

    static string Describe(Table table) => string.Join("; ", table.Columns.Select(column =>
        $"{column.Name}: " + string.Join(" | ", column.IsText
            ? column.Words!.Select(word => $"\"{word}\"")
            : column.Numbers!.Select(number => number.ToString(CultureInfo.InvariantCulture)))));
}
