namespace NeuralProgrammer.Sweep.Tests;

/// <summary>Sweep specs read from JSON; results written as CSV and JSON.</summary>
public sealed class FilesTests
{
    [Fact]
    public void ASpecReadsFromJsonWithNumbersBooleansAndStringsAsValues()
    {
        var spec = SweepFiles.ParseSpec("""
            {
              // the paper's grid on a small model
              "base": { "preset": "single-column", "steps": 300, "evaluateEvery": 50, "hyperParameters": { "dimension": 64 } },
              "space": [
                { "name": "HyperParameters.ClipNorm", "values": [1, 5, 50] },
                { "name": "HyperParameters.Epsilon", "values": [1e-6, 1E-08] },
                { "name": "HyperParameters.BidirectionalQuestion", "values": [true, false] },
                { "name": "HyperParameters.NoisePer", "values": ["step", "epoch"] },
              ],
              "seeds": [1, 2, 3],
              "concurrency": 2,
              "earlyStopping": { "rule": "median", "minTrials": 4 }
            }
            """);
        Assert.Equal("64", spec.Base!["HyperParameters.Dimension"]);
        Assert.Equal(["1", "5", "50"], spec.Space![0].Values!);
        Assert.Equal(["1e-6", "1E-08"], spec.Space[1].Values!);
        Assert.Equal(["true", "false"], spec.Space[2].Values!);
        var plan = SweepPlanner.Plan(spec);
        Assert.Equal(3 * 2 * 2 * 2 * 3, plan.Trials.Count);
        Assert.Equal(1e-8, TestSweeps.Resolved(plan.Trials.Last().Spec).HyperParameters.Epsilon);
        Assert.Equal((EarlyStoppingRule.Median, 4), (plan.EarlyStopping.Rule, plan.EarlyStopping.MinTrials));
        // Written and read again, the spec plans the same trials.
        var again = SweepFiles.ParseSpec(SweepFiles.SpecToJson(spec));
        Assert.Equal(plan.Trials.Select(t => t.Spec), SweepPlanner.Plan(again).Trials.Select(t => t.Spec));
    }

    [Fact]
    public void AMisspelledFieldOrAWrongTypeIsNamed()
    {
        var e = Assert.Throws<SweepSpecException>(() => SweepFiles.ParseSpec("""{ "Budjet": 3 }""", "paper.json"));
        Assert.Contains("paper.json: ", e.Message);
        Assert.Contains("'Budjet'", e.Message);
        e = Assert.Throws<SweepSpecException>(() => SweepFiles.ParseSpec("""{ "Budget": "many" }"""));
        Assert.Contains("$.Budget", e.Message);
        e = Assert.Throws<SweepSpecException>(() => SweepFiles.ParseSpec("""{ "Space": [ { "Name": "Seed", "Values": [[1]] } ] }"""));
        Assert.Contains("$.Space[0].Values[0]", e.Message);
        e = Assert.Throws<SweepSpecException>(() => SweepFiles.ParseSpec("""{ "Space": [ """));
        Assert.StartsWith("Invalid sweep spec: spec: ", e.Message);
    }

    static SweepResults Results()
    {
        SweepAssignment[] P(string clip, string seed) => [new("HyperParameters.ClipNorm", clip), new("Seed", seed)];
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        TrialResult[] trials =
        [
            new(1, "s/trial-1", P("1", "1"), TrialState.Completed, 0.625, 0.625, 300, 0.6, 300, 300, 12.5, null, t0, t0.AddSeconds(12.5),
                [new SweepPoint(150, 0.5, 20.25), new SweepPoint(300, 0.625, 10.5)]),
            new(2, "s/trial-2", P("5", "1"), TrialState.StoppedEarly, 0.1, 0.1, 150, 0.1, 160, 300, 6, "median rule at update 150: best accuracy 10.0% is below the median 50.0%, of 3 trials", t0, t0.AddSeconds(6),
                [new SweepPoint(150, 0.1, double.NaN)]),
            new(3, "s/trial-3", P("50", "1"), TrialState.Queued, null, null, null, null, 0, 300, 0, null, null, null, []),
        ];
        var status = new SweepStatus("s", SweepState.Running, "accuracy", true, 3, 1, 0, 1, 1, 0, 0, 2, trials[0], 460, 900, null, 0, "silo", t0, null, "median");
        return new SweepResults(status, trials);
    }

    [Fact]
    public void TheResultsTableWritesAsCsvWithAColumnPerSearchedField()
    {
        var csv = SweepFiles.ResultsToCsv(Results());
        Assert.StartsWith("trial,job,state,ClipNorm,Seed,objective,best_accuracy,best_update,final_accuracy,validated_accuracy,validated_update,steps,total_steps,wall_seconds,reason", csv);
        var rows = SweepFiles.ReadCsv(csv);
        Assert.Equal(3, rows.Count);
        Assert.Equal(("1", "completed", "1", "0.625", "300", "12.5"), (rows[0]["trial"], rows[0]["state"], rows[0]["ClipNorm"], rows[0]["best_accuracy"], rows[0]["steps"], rows[0]["wall_seconds"]));
        Assert.Equal(("stopped_early", "5", "160"), (rows[1]["state"], rows[1]["ClipNorm"], rows[1]["steps"]));
        Assert.Equal("median rule at update 150: best accuracy 10.0% is below the median 50.0%, of 3 trials", rows[1]["reason"]); // quoted: it has a comma
        Assert.Equal(("queued", "", ""), (rows[2]["state"], rows[2]["objective"], rows[2]["reason"]));
    }

    [Fact]
    public void TheResultsWriteAsJsonAndReadBack()
    {
        var results = Results();
        var json = SweepFiles.ResultsToJson(results);
        Assert.Contains("\"State\": \"StoppedEarly\"", json);
        Assert.Contains("\"Loss\": \"NaN\"", json);
        var back = SweepFiles.ResultsFromJson(json);
        Assert.Equal(results.Status with { Best = null }, back.Status with { Best = null });
        Assert.Equal(results.Status.Best!.Number, back.Status.Best!.Number);
        Assert.Equal(results.Trials.Select(t => (t.Number, t.State, t.Objective, t.Steps, t.Reason)), back.Trials.Select(t => (t.Number, t.State, t.Objective, t.Steps, t.Reason)));
        Assert.Equal(results.Trials[0].Curve, back.Trials[0].Curve);
        Assert.Equal(results.Trials[0].Parameters, back.Trials[0].Parameters);

        var directory = Path.Combine(Path.GetTempPath(), $"np-sweep-{Guid.NewGuid():N}");
        try
        {
            var (csvPath, jsonPath) = SweepFiles.Write(results, directory);
            Assert.Equal(SweepFiles.ResultsToCsv(results), File.ReadAllText(csvPath));
            Assert.Equal(3, SweepFiles.ResultsFromJson(File.ReadAllText(jsonPath)).Trials.Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>The specs shown in README.md's Sweeps section and shipped in the Kubernetes sweep Job are valid specs.</summary>
public sealed class ReadmeTests
{
    static string Repository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NeuralProgrammer.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        return directory.FullName;
    }

    [Fact]
    public void TheKubernetesSweepJobsSpecPlans()
    {
        var manifest = File.ReadAllLines(Path.Combine(Repository(), "k8s", "sweep", "sweep-job.yaml"));
        int start = Array.FindIndex(manifest, l => l.Trim() == "sweep.json: |") + 1;
        var json = string.Join('\n', manifest.Skip(start).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal) || l.Length == 0));
        var plan = SweepPlanner.Plan(SweepFiles.ParseSpec(json, "k8s/sweep/sweep-job.yaml"));
        Assert.Equal((6, 2, EarlyStoppingRule.Median), (plan.Trials.Count, plan.Concurrency, plan.EarlyStopping.Rule));
    }

    [Fact]
    public void TheReadmesExampleSpecPlans()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NeuralProgrammer.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        var readme = File.ReadAllText(Path.Combine(directory.FullName, "README.md"));
        var section = readme[readme.IndexOf("## Sweeps", StringComparison.Ordinal)..];
        int start = section.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        var json = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        var plan = SweepPlanner.Plan(SweepFiles.ParseSpec(json, "README.md"));
        Assert.Equal((SweepPlanner.Random, 30, 3, EarlyStoppingRule.Asha), (plan.Strategy, plan.Trials.Count, plan.Concurrency, plan.EarlyStopping.Rule));
        Assert.All(plan.Trials, t => Assert.InRange(TestSweeps.Resolved(t.Spec).HyperParameters.LearningRate, 1e-4, 1e-2));
    }
}
