namespace NeuralProgrammer.Client.Tests;

/// <summary><c>np train</c> and <c>np sweep</c> with no cluster named run jobs on an embedded in-process silo, end to end.</summary>
public class EmbeddedClusterTests
{
    [Fact]
    public async Task TrainsOnTwoWorkersAndWritesResultCurveAndModel()
    {
        var directory = Directory.CreateTempSubdirectory("np-embedded-").FullName;
        try
        {
            var outcome = await Np.Run("train", "--workers", "2", "--steps", "40", "--eval-every", "20", "--train-size", "500", "--dim", "32", "--out", directory);
            Assert.True(outcome.ExitCode == 0, outcome.Error + outcome.Output);
            Assert.Contains("on embedded silo, 2 workers", outcome.Output);
            Assert.Matches(@"accuracy: \d+\.\d\d%", outcome.Output);
            Assert.Contains("\"Updates\": 40", await File.ReadAllTextAsync(Path.Combine(directory, "result.json")));
            Assert.True(new FileInfo(Path.Combine(directory, "curve.png")).Length > 1000);

            var csv = Path.Combine(directory, "t.csv");
            await File.WriteAllTextAsync(csv, "A\n1\n2\n3\n");
            var ask = await Np.Run("ask", "--model", Path.Combine(directory, "model.ckpt"), "--table", csv, "count");
            Assert.True(ask.ExitCode == 0, ask.Error + ask.Output);
            Assert.Contains("Induced program", ask.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A sweep over seeds (issue 24's way of recording Table 2) writes each completed trial's result.json beside its
    /// table, with the validation accuracy of every evaluation, and np results pools them: final model and best on
    /// validation as mean (min–max) over the seeds.
    /// </summary>
    [Fact]
    public async Task ASweepOverSeedsWritesEachTrialsResultThatNpResultsPools()
    {
        var directory = Directory.CreateTempSubdirectory("np-sweep-").FullName;
        try
        {
            var spec = Path.Combine(directory, "seeds.json");
            await File.WriteAllTextAsync(spec, """
                { "Base": { "Preset": "demo", "Steps": 20, "EvaluateEvery": 10, "TrainingExamples": 300, "TestExamples": 60, "ValidationExamples": 60,
                            "HyperParameters": { "Dimension": 16 } },
                  "Space": [], "Seeds": [1, 2], "Concurrency": 2, "Objective": "final-accuracy" }
                """);
            var output = Path.Combine(directory, "sweep");
            var sweep = await Np.Run("sweep", "--spec", spec, "--out", output);
            Assert.True(sweep.ExitCode == 0, sweep.Error + sweep.Output);
            Assert.Contains("best on val.", sweep.Output);

            var results = Enumerable.Range(1, 2).Select(n => RunReport.Read(Path.Combine(output, $"trial-{n}", "result.json"))).ToList();
            Assert.Equal([1, 2], results.Select(r => r.Spec.Seed).Order());
            Assert.All(results, r => Assert.Equal([10L, 20L], r.Curve.Select(p => p.Update)));
            Assert.All(results, r => Assert.All(r.Curve, p => Assert.InRange(p.ValidationAccuracy!.Value, 0, 1)));
            Assert.All(results, r => Assert.NotNull(r.BestOnValidation));

            var table = await Np.Run("results", directory); // the folder of sweeps: np results finds every trial's result.json under it
            Assert.True(table.ExitCode == 0, table.Error + table.Output);
            var row = table.Output.Split('\n').Single(line => line.StartsWith("| single-column", StringComparison.Ordinal));
            Assert.Contains("over 2 seeds", row);
            Assert.DoesNotMatch(@"^\| single-column \| [^|]+ \| [^|]+ \| – \|", row); // best on validation is measured
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
