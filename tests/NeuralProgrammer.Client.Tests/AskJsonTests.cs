using System.Globalization;
using System.Text.Json;

namespace NeuralProgrammer.Client.Tests;

/// <summary>The schema of <c>np ask --json</c> and of its batch forms (README, "Answers for scripts"), with the trained quickstart model.</summary>
public class AskJsonTests
{
    static readonly double[] Values = [12.5, -40.25, 77, 3.75, -8, 51.5, 99.99, -120, 0.5, 64];

    static async Task<string> Table(string header = "price")
    {
        var csv = Path.Combine(Path.GetTempPath(), $"np-ask-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, header + "\n" + string.Join('\n', Values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "\n");
        return csv;
    }

    static async Task<(int ExitCode, List<JsonElement> Lines, string Error)> Ask(params string[] args)
    {
        var outcome = await Np.Run(["ask", "--model", await TrainedModel.Path(), .. args]);
        var lines = outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (outcome.ExitCode, lines, outcome.Error);
    }

    static void AssertProgram(JsonElement answer, string column)
    {
        var program = answer.GetProperty("program").EnumerateArray().ToList();
        Assert.Equal(4, program.Count);
        Assert.All(program, step => Assert.False(string.IsNullOrEmpty(step.GetProperty("operation").GetString())));
        Assert.Contains(program, step => step.GetProperty("column").ValueKind == JsonValueKind.String && step.GetProperty("column").GetString() == column);
        Assert.All(program, step => Assert.Contains(step.GetProperty("pivot").ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null }));
        var confidence = answer.GetProperty("confidence").GetDouble();
        Assert.InRange(confidence, double.Epsilon, 1);
        Assert.Equal(JsonValueKind.Array, answer.GetProperty("warnings").ValueKind);
    }

    [Fact]
    public async Task AScalarAnswer()
    {
        var table = await Table();
        var (exit, lines, error) = await Ask("--table", table, "--json", "greater 20 price sum");
        Assert.True(exit == 0, error);
        var answer = Assert.Single(lines);
        Assert.Equal("scalar", answer.GetProperty("kind").GetString());
        Assert.Equal(Values.Where(v => v > 20).Sum(), answer.GetProperty("answer").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("rows").ValueKind);
        Assert.Equal("greater 20 price sum", answer.GetProperty("question").GetString());
        Assert.Equal(table, answer.GetProperty("table").GetString());
        Assert.Contains(answer.GetProperty("program").EnumerateArray(), s => s.GetProperty("operation").GetString() == "greater" && s.GetProperty("pivot").GetDouble() == 20);
        AssertProgram(answer, "price");
    }

    [Fact]
    public async Task ALookupAnswer()
    {
        var (exit, lines, error) = await Ask("--table", await Table(), "--json", "greater 60 print");
        Assert.True(exit == 0, error);
        var answer = Assert.Single(lines);
        Assert.Equal("lookup", answer.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("answer").ValueKind);
        var expected = Values.Select((v, i) => (v, i)).Where(p => p.v > 60).ToList();
        Assert.Equal(expected.Select(p => p.i), answer.GetProperty("rows").EnumerateArray().Select(r => r.GetInt32()));
        var cells = answer.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(expected.Select(p => (p.i, "price", p.v)), cells.Select(c => (c.GetProperty("row").GetInt32(), c.GetProperty("column").GetString()!, c.GetProperty("value").GetDouble())));
        AssertProgram(answer, "price");
    }

    [Fact]
    public async Task ARefusedInputIsAJsonErrorWithExitCode1()
    {
        var (exit, lines, _) = await Ask("--table", await Table(), "--json", "average price");
        Assert.Equal(1, exit);
        var error = Assert.Single(lines).GetProperty("error");
        Assert.Equal("refused", error.GetProperty("kind").GetString());
        Assert.Contains("'average'", error.GetProperty("error").GetString());
        Assert.Equal("average price", error.GetProperty("question").GetString());
    }

    [Fact]
    public void AnInternalFailureIsAJsonErrorWithExitCode70()
    {
        var output = new StringWriter();
        int exit = AskCommand.Fail("sum", "t.csv", new NullReferenceException("a bug"), lines: true, output);
        Assert.Equal(AskCommand.Internal, exit);
        var error = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("error");
        Assert.Equal(("internal", "a bug", "sum", "t.csv"),
            (error.GetProperty("kind").GetString(), error.GetProperty("error").GetString(), error.GetProperty("question").GetString(), error.GetProperty("table").GetString()));
        Assert.Equal(AskCommand.Refused, AskCommand.Fail("sum", "t.csv", new Model.Data.QuestionException("no"), lines: true, new StringWriter()));
    }

    [Fact]
    public async Task AQuestionsFileIsAnsweredLineByLineInOrderABadLineWithItsError()
    {
        var table = await Table("amount");
        var questions = Path.GetTempFileName();
        await File.WriteAllLinesAsync(questions, ["sum", "", "average", "greater 10 count", "lesser 1,23 sum", "count"]);
        var (exit, lines, error) = await Ask("--table", table, "--questions", questions);
        Assert.Equal(1, exit);
        Assert.Equal(5, lines.Count);
        Assert.Equal(["sum", "average", "greater 10 count", "lesser 1,23 sum", "count"],
            lines.Select(l => (l.TryGetProperty("error", out var e) ? e : l).GetProperty("question").GetString()));
        Assert.Equal(Values.Sum(), lines[0].GetProperty("answer").GetDouble(), 6);
        Assert.Equal("refused", lines[1].GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal(Values.Count(v => v > 10), lines[2].GetProperty("answer").GetDouble());
        Assert.Contains("'1,23'", lines[3].GetProperty("error").GetProperty("error").GetString());
        Assert.Equal(Values.Length, lines[4].GetProperty("answer").GetDouble());
    }

    [Fact]
    public async Task ABatchOfJsonLinesNamesEachTableAndABadLine()
    {
        var (first, second) = (await Table("price"), await Table("qty"));
        var batch = Path.GetTempFileName();
        await File.WriteAllLinesAsync(batch,
        [
            JsonSerializer.Serialize(new { table = first, question = "sum" }),
            "not json",
            JsonSerializer.Serialize(new { table = second, question = "greater 0 qty count" }),
            JsonSerializer.Serialize(new { table = "/no/such.csv", question = "sum" }),
            JsonSerializer.Serialize(new { table = first }),
        ]);
        var (exit, lines, _) = await Ask("--batch", batch);
        Assert.Equal(1, exit);
        Assert.Equal(5, lines.Count);
        Assert.Equal((first, Values.Sum()), (lines[0].GetProperty("table").GetString(), lines[0].GetProperty("answer").GetDouble()));
        Assert.Contains("line 2 is not JSON", lines[1].GetProperty("error").GetProperty("error").GetString());
        Assert.Equal((second, (double)Values.Count(v => v > 0)), (lines[2].GetProperty("table").GetString(), lines[2].GetProperty("answer").GetDouble()));
        Assert.Contains("/no/such.csv", lines[3].GetProperty("error").GetProperty("error").GetString());
        Assert.Contains("line 5: expected", lines[4].GetProperty("error").GetProperty("error").GetString());
    }
}
