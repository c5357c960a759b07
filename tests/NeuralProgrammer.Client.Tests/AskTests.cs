using System.Globalization;
using System.Text.RegularExpressions;

namespace NeuralProgrammer.Client.Tests;

/// <summary><c>np ask</c> with a trained single-column checkpoint answers sum, count and comparison questions about a user's CSV table.</summary>
public class AskTests
{
    static readonly double[] Values = [12.5, -40.25, 77, 3.75, -8, 51.5, 99.99, -120, 0.5, 64];

    static async Task<string> Ask(string question)
    {
        var csv = Path.GetTempFileName();
        await File.WriteAllTextAsync(csv, "A\n" + string.Join('\n', Values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "\n");
        try
        {
            var outcome = await Np.Run("ask", "--model", await TrainedModel.Path(), "--table", csv, question);
            Assert.True(outcome.ExitCode == 0, outcome.Error + outcome.Output);
            return outcome.Output;
        }
        finally
        {
            File.Delete(csv);
        }
    }

    static double ScalarAnswer(string output)
    {
        var match = Regex.Match(output, @"answer: (-?[0-9.]+)");
        Assert.True(match.Success, output);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Sum() => Assert.Equal(Values.Sum(), ScalarAnswer(await Ask("sum")), 2);

    [Fact]
    public async Task Count() => Assert.Equal(Values.Length, ScalarAnswer(await Ask("count")), 2);

    [Fact]
    public async Task GreaterThanThenCount() => Assert.Equal(Values.Count(v => v > 10), ScalarAnswer(await Ask("greater 10 count")), 2);

    [Fact]
    public async Task GreaterThanThenSum() => Assert.Equal(Values.Where(v => v > 20).Sum(), ScalarAnswer(await Ask("greater 20 sum")), 2);

    [Fact]
    public async Task LesserThenSumShowsTheProgram()
    {
        var output = await Ask("lesser 0 sum");
        Assert.Equal(Values.Where(v => v < 0).Sum(), ScalarAnswer(output), 2);
        Assert.Contains("lesser", output);
        Assert.Contains("0.00", output); // the pivot the program compared with
    }

    [Fact]
    public async Task GreaterThenPrintListsTheCells()
    {
        var output = await Ask("greater 60 print");
        Assert.Contains($"answer: {Values.Count(v => v > 60)} cells printed", output);
        Assert.Contains("row 7, A: 99.99", output);
    }
}
