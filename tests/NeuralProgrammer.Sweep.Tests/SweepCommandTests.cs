using System.CommandLine;
using NeuralProgrammer.Client;
using Spectre.Console;
using Xunit.Abstractions;

namespace NeuralProgrammer.Sweep.Tests;

/// <summary>
/// <c>np sweep</c> as a user runs it: bad input as one line and exit code 1, the paper's spec, and a small sweep on
/// the embedded silo that writes its results. Run in this process (the command is registered in np by the console's
/// owner); output captured.
/// </summary>
public sealed class SweepCommandTests(ITestOutputHelper log) : IDisposable
{
    readonly string directory = Path.Combine(Path.GetTempPath(), $"np-sweep-cli-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    sealed record Outcome(int ExitCode, string Output, string Error);

    static readonly SemaphoreSlim Console1 = new(1, 1);

    async Task<Outcome> Np(params string[] args)
    {
        await Console1.WaitAsync();
        var (output, error) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError, oldConsole) = (Console.Out, Console.Error, AnsiConsole.Console);
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            });
            var parse = new RootCommand { SweepCommand.Create() }.Parse(["sweep", .. args]);
            int code;
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors) error.WriteLine($"error: {e.Message}");
                code = 2;
            }
            else code = await parse.InvokeAsync();
            return new Outcome(code, output.ToString(), error.ToString());
        }
        finally
        {
            AnsiConsole.Console = oldConsole;
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            Console1.Release();
            log.WriteLine($"np sweep {string.Join(' ', args)}:\n{output}{error}");
        }
    }

    string Write(string name, string text)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task BadInputIsOneLineNamingItAndExitCode1BeforeAnyClusterStarts()
    {
        var spec = Write("bad.json", """{ "Base": { "Preset": "demo" }, "Space": [ { "Name": "HyperParameters.LearningRate", "Min": 0, "Max": 0.1, "Scale": "log" } ], "Budget": 0 }""");
        var outcome = await Np("--spec", spec);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("error: Invalid sweep spec: Space[0] (HyperParameters.LearningRate).Min = 0: a log range needs positive bounds; Budget = 0: must be positive",
            outcome.Error.Trim());

        outcome = await Np("--spec", Write("typo.json", """{ "Space": [ { "Name": "HyperParameters.ClipNorm", "Values": [1] } ], "Concurency": 2 }"""));
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("'Concurency'", outcome.Error);

        outcome = await Np("--spec", Write("unknown.json", """{ "Space": [ { "Name": "HyperParameters.Momentum", "Values": [0.9] } ] }"""));
        Assert.StartsWith("error: Invalid sweep spec: Space[0].Name = 'HyperParameters.Momentum': unknown hyperparameter", outcome.Error);

        outcome = await Np("--paper", "--steps", "200", "--concurrency", "500");
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("error: Invalid sweep spec: Concurrency = 500: above the budget of 216 trials (the grid's size)", outcome.Error.Trim());

        outcome = await Np();
        Assert.Equal("error: give --spec <file.json>, --paper, or the --id of a sweep to follow.", outcome.Error.Trim());
        outcome = await Np("--paper", "--spec", spec);
        Assert.Equal("error: --spec and --paper: give one of them.", outcome.Error.Trim());
        outcome = await Np("--spec", Path.Combine(directory, "missing.json"));
        Assert.Equal(1, outcome.ExitCode);
        Assert.StartsWith("error: Could not find file", outcome.Error);
        outcome = await Np("--paper", "--early-stopping", "sometimes");
        Assert.Equal(2, outcome.ExitCode);
    }

    [Fact]
    public async Task PrintSpecWritesThePapersSweepAsASpecToStartFrom()
    {
        var outcome = await Np("--paper", "--steps", "300", "--early-stopping", "asha", "--dim", "64", "--print-spec");
        Assert.Equal(0, outcome.ExitCode);
        var spec = SweepFiles.ParseSpec(outcome.Output);
        var plan = SweepPlanner.Plan(spec);
        Assert.Equal(216, plan.Trials.Count);
        Assert.All(plan.Trials, t => Assert.Equal((300, 60, 64), (t.Steps, t.EvaluateEvery, TestSweeps.Resolved(t.Spec).HyperParameters.Dimension)));
        Assert.Equal(EarlyStoppingRule.Asha, plan.EarlyStopping.Rule);
    }

    [Fact]
    public async Task PrintSpecAlonePrintsACommentedExampleThatSpecAccepts()
    {
        var outcome = await Np("--print-spec");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("// A sweep spec for np sweep --spec", outcome.Output);
        var plan = SweepPlanner.Plan(SweepFiles.ParseSpec(outcome.Output, "np sweep --print-spec"));
        Assert.Equal((12, 2, EarlyStoppingRule.Median), (plan.Trials.Count, plan.Concurrency, plan.EarlyStopping.Rule));
        Assert.All(plan.Trials, t => Assert.Equal((300, 50), (t.Steps, t.EvaluateEvery)));

        // As a file, --spec takes it as printed: the options apply to it and it prints back without comments.
        var file = Write("example.json", outcome.Output);
        outcome = await Np("--spec", file, "--steps", "200", "--print-spec");
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        Assert.All(SweepPlanner.Plan(SweepFiles.ParseSpec(outcome.Output)).Trials, t => Assert.Equal(200, t.Steps));

        outcome = await Np("--print-spec", "--steps", "200");
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("error: --print-spec alone prints an example spec; to apply --steps and the like, give --paper or --spec too.", outcome.Error.Trim());
    }

    [Fact]
    public async Task ASmallSweepRunsOnTheEmbeddedSiloAndWritesItsResults()
    {
        var spec = Write("tiny.json", """
            {
              "Base": { "Preset": "demo", "TrainingExamples": 1000, "TestExamples": 200, "Steps": 100, "EvaluateEvery": 50,
                        "HyperParameters": { "Dimension": 16, "BatchSize": 20 } },
              "Space": [ { "Name": "HyperParameters.LearningRate", "Values": [0.003, 0.02] } ],
              "Seeds": [1, 2]
            }
            """);
        var output = Path.Combine(directory, "out");
        var outcome = await Np("--spec", spec, "--concurrency", "2", "--id", "cli-sweep", "--out", output);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        Assert.Contains("Sweep of 4 trials (grid), 2 at a time, objective accuracy, early stopping none", outcome.Output);
        Assert.Contains("sweep cli-sweep on embedded silo", outcome.Output);
        Assert.Contains("4/4 ended", outcome.Output);
        Assert.Matches(@"best trial \d: LearningRate = 0\.0\d+, Seed = \d: accuracy \d+\.\d%", outcome.Output);
        var rows = SweepFiles.ReadCsv(File.ReadAllText(Path.Combine(output, "results.csv")));
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(("completed", "100"), (r["state"], r["steps"])));
        Assert.Equal(["0.003", "0.003", "0.02", "0.02"], rows.Select(r => r["LearningRate"]));
        var results = SweepFiles.ResultsFromJson(File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.Equal(SweepState.Completed, results.Status.State);
        Assert.All(results.Trials, t => Assert.Equal(2, t.Curve.Length));
        Assert.True(new FileInfo(Path.Combine(output, "results.png")).Length > 1000);
        foreach (var picture in new[] { "learning-curves", "objective-by-parameter", "parameter-importance" })
            Assert.True(new FileInfo(Path.Combine(output, picture + ".svg")).Length > 1000, picture);
        Assert.Contains("Parameter importance (η²", outcome.Output);
    }

    [Fact]
    public async Task FollowingAnUnknownSweepIsAnError()
    {
        var outcome = await Np("--id", "no-such-sweep");
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("error: No sweep 'no-such-sweep' exists: it was never started on this cluster (check the id with np list).", outcome.Error.Trim());
    }
}
