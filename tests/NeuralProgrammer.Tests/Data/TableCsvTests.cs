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
}
