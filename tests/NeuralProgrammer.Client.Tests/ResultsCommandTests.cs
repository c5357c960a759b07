using System.CommandLine;
using System.Text.Json;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client.Tests;

/// <summary><c>np results</c> on synthetic result files: seeds pooled per configuration, against the paper, with the command that reproduces a row.</summary>
public sealed class ResultsCommandTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("np-results-test-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <param name="validation">The validation accuracy at the curve's two points (half way, the end), or none.</param>
    static TrainingResult Run(TrainingSpec spec, int seed, double accuracy, double wallSeconds, int? updates = null, (double Half, double End)? validation = null)
    {
        var ran = updates ?? spec.Steps;
        return new(spec with { Seed = seed }, ran, ran * 50L, wallSeconds, accuracy,
            new Dictionary<TemplateCategory, double> { [TemplateCategory.Aggregation] = accuracy }, [],
            [
                new(ran / 2, 3.0, accuracy / 2, new Dictionary<TemplateCategory, double>(), wallSeconds / 2) { ValidationAccuracy = validation?.Half },
                new(ran, 1.0, accuracy, new Dictionary<TemplateCategory, double>(), wallSeconds) { ValidationAccuracy = validation?.End },
            ],
            "test machine", 1) { Commit = "abc123" };
    }

    void Write(string name, TrainingResult result)
    {
        Directory.CreateDirectory(Path.Combine(directory, name));
        File.WriteAllText(Path.Combine(directory, name, "result.json"), JsonSerializer.Serialize(result, Checkpoint.Json));
    }

    [Fact]
    public async Task PoolsSeedsPerConfigurationAgainstThePaper()
    {
        var noisy = TrainingPresets.Get("5-columns-memory") with { HyperParameters = TrainingPresets.Get("5-columns-memory").HyperParameters with { NoiseEta = 1 } };
        // Seeds 3 and 2 do best on validation at the end, seed 1 half way (where its test accuracy is 49.75%), and seed 2
        // ties there: the later of equals is chosen.
        Write("a", Run(noisy, seed: 3, accuracy: 0.9911, wallSeconds: 252, validation: (0.5, 0.99)) with { RealDataAccuracy = 0.999 }); // exactly the paper's 99.11: counts
        Write("b", Run(noisy, seed: 2, accuracy: 0.98, wallSeconds: 246, validation: (0.97, 0.97)) with { RealDataAccuracy = 0.97 });
        Write("c", Run(noisy, seed: 1, accuracy: 0.995, wallSeconds: 240, validation: (0.99, 0.98)) with { RealDataAccuracy = 0.9925 });
        Write("d", Run(TrainingPresets.Get("single-column"), seed: 4, accuracy: 1, wallSeconds: 30));
        Write("e", Run(TrainingPresets.Get("3-columns"), seed: 1, accuracy: 0.4455, wallSeconds: 7_200, updates: 28_000)); // stopped early
        var plot = Path.Combine(directory, "curves.png");

        var outcome = await Np.Run("results", directory, "--plot", plot);

        Assert.True(outcome.ExitCode == 0, outcome.Error);
        var rows = outcome.Output.Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.Equal(
            [
                "| single-column | 100.0 | 100.00 | – | – | 1 of 1 | 50,000 (2.5M) | 30 s | `np train --preset single-column --seed 4` |",
                "| 3-columns | 99.02 | 44.55 | – | – | 0 of 1 | 28,000 of 50,000 (1.4M) | 2.0 h | `np train --preset 3-columns --seed 1 --steps 28000` |",
                "| 5-columns | 99.11 | 98.87 (98.00–99.50) over 3 seeds | 82.29 (49.75–99.11) | 98.72 (97.00–99.90) | 2 of 3 | 6,000 (300k) | 4.1 min | `np train --preset 5-columns-memory --seed 1 --noise-eta 1` |",
            ],
            rows);
        Assert.Contains("Commits of the runs: `abc123` (5 runs).", outcome.Output);
        Assert.True(new FileInfo(plot).Length > 0);
    }

    [Fact]
    public void TheCommandLineGivesBackTheSpec()
    {
        var specs = new[]
        {
            TrainingPresets.Demo with { Seed = 7, Categories = [TemplateCategory.Logic], EvaluateEvery = 100 },
            TrainingPresets.Get("10-columns") with { HyperParameters = TrainingPresets.Get("10-columns").HyperParameters with { QuestionAttention = false, Epsilon = 1e-8, NoisePer = NoiseUnit.Epoch } },
            TrainingPresets.Get("text-match-5-memory") with { Variant = DatasetVariant.TextMatch2, TestExamples = 500 },
        };
        foreach (var spec in specs)
        {
            var options = new TrainOptions();
            var train = new RootCommand();
            foreach (var option in options.All) train.Options.Add(option);
            var line = TrainCommandLine.For(spec);
            var parse = train.Parse(line["np train ".Length..]);
            Assert.Empty(parse.Errors);
            Assert.Equal(JsonSerializer.Serialize(spec, Checkpoint.Json), JsonSerializer.Serialize(options.ToSpec(parse), Checkpoint.Json));
        }
    }

    [Fact]
    public async Task ADirectoryWithoutResultsIsAnError()
    {
        var outcome = await Np.Run("results", directory);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal($"error: {directory}: no result.json files under it.", outcome.Error.Trim());
    }

    [Fact]
    public async Task ACorruptResultIsAnErrorNamingTheFile()
    {
        Write("good", Run(TrainingPresets.Get("3-columns"), seed: 1, accuracy: 0.5, wallSeconds: 60));
        Directory.CreateDirectory(Path.Combine(directory, "bad"));
        var bad = Path.Combine(directory, "bad", "result.json");
        File.WriteAllText(bad, "{ \"Spec\": ");
        var outcome = await Np.Run("results", directory);
        Assert.Equal(1, outcome.ExitCode);
        Assert.StartsWith($"error: {bad} is not a training result:", outcome.Error);
        Assert.Single(outcome.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task ASweepsDirectoryGetsItsPicturesDrawnAgain()
    {
        File.Copy(RecordedSweeps.File("sweep-small"), Path.Combine(directory, "results.json"));
        var outcome = await Np.Run("results", directory);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        Assert.Contains("Sweep small-sweep: 8 trials, 7 evaluated; objective accuracy.", outcome.Output);
        Assert.Contains("Parameter importance (η² = SS between", outcome.Output);
        foreach (var name in new[] { "results", "learning-curves", "objective-by-parameter", "parameter-importance" })
        {
            Assert.Contains($"![{name}]({Path.Combine(directory, name + ".png")})", outcome.Output);
            Assert.True(new FileInfo(Path.Combine(directory, name + ".svg")).Length > 1000, name);
        }
        Assert.False(File.Exists(Path.Combine(directory, "parallel-coordinates.png"))); // two parameters
    }
}
