using System.Diagnostics;
using System.Diagnostics.Metrics;
using Xunit.Abstractions;

namespace NeuralProgrammer.Sweep.Tests;

/// <summary>
/// Sweeps of tiny trials on a two-silo in-process cluster: the concurrency limit, the results against the same jobs
/// run one by one, early stopping of a planted bad configuration, bad input over the wire, cancelling, and metrics.
/// </summary>
[Collection("sweep cluster")]
public sealed class SweepTests(SweepClusterFixture fixture, ITestOutputHelper output)
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    IClusterClient Client => fixture.Client;

    /// <summary>8 trials: learning rate × dimension × seed, 150 updates each, evaluated every 50.</summary>
    static SweepSpec GridOfEight(int concurrency) => new()
    {
        Base = TestSweeps.Tiny(steps: 150, evaluateEvery: 50),
        Space =
        [
            new() { Name = "HyperParameters.LearningRate", Values = ["0.003", "0.02"] },
            new() { Name = "HyperParameters.Dimension", Values = ["8", "16"] },
        ],
        Seeds = [1, 2],
        Concurrency = concurrency,
    };

    void Print(SweepResults results)
    {
        var s = results.Status;
        output.WriteLine($"{s.SweepId}: {s.State}, best trial {s.Best?.Number} ({s.Best?.Objective:P1}), {s.StepsRun} of {s.StepsBudget} updates, silo {s.Silo}");
        foreach (var t in results.Trials)
            output.WriteLine($"  {t.Number,2} {SweepPlanner.Describe(t.Parameters),-50} {t.State,-12} best {t.BestAccuracy,6:P1} steps {t.Steps,4}/{t.TotalSteps} {t.WallSeconds,5:F1} s {t.Reason}");
    }

    [Fact]
    public async Task AGridOfEightWithConcurrencyThreeNeverRunsMoreThanThreeCompletesAllAndFindsTheSameBestAsOneByOne()
    {
        var id = TestSweeps.NewId("grid");
        var sweep = Client.GetGrain<ISweepGrain>(id);
        var spec = GridOfEight(concurrency: 3);
        var clock = Stopwatch.StartNew();
        var started = await sweep.Start(spec);
        Assert.Equal((SweepState.Running, 8, 3), (started.State, started.Trials, started.Concurrency));

        // While it runs: the sweep's own count, and the trial jobs' states, never above 3.
        int mostReported = 0, mostObserved = 0;
        var jobs = Enumerable.Range(1, 8).Select(n => Client.GetGrain<ITrainingJobGrain>(SweepLedger.TrialJobId(id, n))).ToList();
        var final = await TestSweeps.WaitUntilFinished(sweep, Timeout, async status =>
        {
            mostReported = Math.Max(mostReported, status.Running);
            int running = 0;
            foreach (var job in jobs)
            {
                try { running += (await job.GetStatus()).State == JobState.Running ? 1 : 0; }
                catch (JobNotFoundException) { } // not started yet
            }
            mostObserved = Math.Max(mostObserved, running);
        });
        var sweepSeconds = clock.Elapsed.TotalSeconds;
        var results = await sweep.GetResults();
        Print(results);

        Assert.Equal(SweepState.Completed, final.State);
        Assert.Equal(8, final.Completed);
        Assert.All(results.Trials, t => Assert.Equal((TrialState.Completed, 150L), (t.State, t.Steps)));
        Assert.InRange(mostReported, 1, 3);
        Assert.InRange(mostObserved, 1, 3);
        // Exactly, from the jobs' own start and end times: at most 3 overlap (and the limit was used).
        var statuses = await Task.WhenAll(jobs.Select(j => j.GetStatus()));
        var overlap = TestSweeps.MaxOverlap(statuses.Select(s => (s.Created, s.Finished!.Value)));
        Assert.Equal(3, overlap);
        // Every trial's job started once, and spread over the silos.
        Assert.All(jobs, j => Assert.Equal(1, JobStartCounter.For(j.GetPrimaryKeyString())));

        // The same 8 jobs one by one, outside the sweep: the same curves, so the same best trial.
        clock.Restart();
        var plan = SweepPlanner.Plan(spec);
        var alone = new List<(int Number, double Best)>();
        foreach (var trial in plan.Trials)
        {
            var job = Client.GetGrain<ITrainingJobGrain>($"{id}-alone-{trial.Number}");
            await job.Start(trial.Spec);
            Assert.Equal(JobState.Completed, (await TestSweeps.WaitForJob(job, Timeout)).State);
            var result = await job.GetResult();
            alone.Add((trial.Number, result.Curve.Max(p => p.Accuracy)));
        }
        output.WriteLine($"sweep {sweepSeconds:F1} s with 3 at a time; the 8 jobs one by one {clock.Elapsed.TotalSeconds:F1} s");
        var bestAlone = alone.OrderByDescending(a => a.Best).ThenBy(a => a.Number).First();
        Assert.Equal(bestAlone.Number, final.Best!.Number);
        Assert.Equal(bestAlone.Best, final.Best.Objective);
        Assert.Equal(alone.Select(a => (double?)a.Best), results.Trials.Select(t => t.BestAccuracy));

        // Recorded in the catalog: the sweep and its trials.
        var catalog = await Client.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).List();
        Assert.Contains(catalog, e => e.Id == id && e.Kind == "sweep");
        Assert.Equal(8, catalog.Count(e => e.Kind == "trial" && e.Id.StartsWith(id + "/trial-", StringComparison.Ordinal)));

        // The metrics: trials by state, the best objective.
        var measured = new Dictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GrainMetrics.MeterName && instrument.Name.StartsWith("np_sweep_", StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? sweepTag = null, state = null;
            foreach (var tag in tags)
            {
                if (tag.Key == SweepMetrics.SweepTag) sweepTag = tag.Value as string;
                if (tag.Key == SweepMetrics.StateTag) state = tag.Value as string;
            }
            if (sweepTag == id) measured[$"{instrument.Name}{(state is null ? "" : $"{{{state}}}")}"] = value;
        }
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(8, measured["np_sweep_trials{completed}"]);
        Assert.Equal(0, measured["np_sweep_trials{running}"]);
        Assert.Equal(0, measured["np_sweep_trials{stopped_early}"]);
        Assert.Equal(final.Best.Objective!.Value, measured["np_sweep_best_objective"]);
    }

    [Theory]
    [InlineData("median")]
    [InlineData("asha")]
    public async Task EarlyStoppingStopsAPlantedBadLearningRateAndSavesAThirdOfTheSteps(string rule)
    {
        // Learning rate 0.02 learns; 1e-7 stays at 0% (every seed). The good trials come first in the grid.
        var spec = new SweepSpec
        {
            Base = TestSweeps.Tiny(steps: 500, evaluateEvery: 25),
            Space = [new() { Name = "HyperParameters.LearningRate", Values = ["0.02", "1e-7"] }],
            Seeds = [1, 2, 3, 4],
            Concurrency = 3,
            EarlyStopping = new() { Rule = rule },
        };
        var id = TestSweeps.NewId(rule);
        var sweep = Client.GetGrain<ISweepGrain>(id);
        await sweep.Start(spec);
        var final = await TestSweeps.WaitUntilFinished(sweep, Timeout, pollMilliseconds: 200);
        var results = await sweep.GetResults();
        Print(results);

        Assert.Equal(SweepState.Completed, final.State);
        var bad = results.Trials.Where(t => t.Parameters[0].Value == "1e-7").ToList();
        Assert.All(bad, t => Assert.Equal(TrialState.StoppedEarly, t.State));
        Assert.All(bad, t => Assert.Contains(rule == "median" ? "median rule at update" : "ASHA rung", t.Reason));
        Assert.Equal("0.02", final.Best!.Parameters[0].Value);

        // Count the updates from the jobs themselves: at most two thirds of the full grid's 8 × 500.
        long updates = 0;
        foreach (var trial in results.Trials)
        {
            var job = await Client.GetGrain<ITrainingJobGrain>(trial.JobId).GetStatus();
            Assert.Equal(trial.State == TrialState.StoppedEarly ? JobState.Cancelled : JobState.Completed, job.State);
            Assert.Equal(job.Progress.Update, trial.Steps);
            updates += job.Progress.Update;
        }
        Assert.Equal(updates, final.StepsRun);
        Assert.Equal(8 * 500, final.StepsBudget);
        output.WriteLine($"{rule}: {updates} of {final.StepsBudget} updates ({1 - updates / (double)final.StepsBudget:P0} saved)");
        Assert.True(updates <= final.StepsBudget * 2 / 3, $"{updates} of {final.StepsBudget} updates run: less than a third saved");
    }

    [Fact]
    public async Task BadInputIsRejectedOverTheWireWithAMessageThatNamesIt()
    {
        var sweep = Client.GetGrain<ISweepGrain>(TestSweeps.NewId("bad"));
        var e = await Assert.ThrowsAsync<SweepSpecException>(() => sweep.Start(GridOfEight(3) with { Budget = 0 }));
        Assert.Contains("Budget = 0: must be positive", e.Message);
        Assert.Contains("Budget = 0: must be positive", e.Problems);
        e = await Assert.ThrowsAsync<SweepSpecException>(() => sweep.Start(GridOfEight(3) with { Space = [new() { Name = "HyperParameters.Momentum", Values = ["1"] }] }));
        Assert.Contains("Space[0].Name = 'HyperParameters.Momentum': unknown hyperparameter", e.Message);
        e = await Assert.ThrowsAsync<SweepSpecException>(() => sweep.Start(GridOfEight(9)));
        Assert.Contains("Concurrency = 9: above the budget of 8 trials", e.Message);
        // Nothing was started: the id is still free, and unknown.
        await Assert.ThrowsAsync<SweepNotFoundException>(() => sweep.GetStatus());
        var missing = await Assert.ThrowsAsync<SweepNotFoundException>(() => Client.GetGrain<ISweepGrain>("no-such-sweep").GetResults());
        Assert.Contains("No sweep 'no-such-sweep' exists", missing.Message);
    }

    [Fact]
    public async Task ASweepIdCannotBeStartedTwiceAndCancellingStopsItsTrials()
    {
        var id = TestSweeps.NewId("cancel");
        var sweep = Client.GetGrain<ISweepGrain>(id);
        var spec = GridOfEight(concurrency: 2) with { Base = TestSweeps.Tiny(steps: 2_000, evaluateEvery: 100) };
        await sweep.Start(spec);
        var taken = await Assert.ThrowsAsync<SweepStateException>(() => sweep.Start(spec));
        Assert.Contains($"Sweep '{id}' already exists (running)", taken.Message);
        await TestSweeps.WaitUntilFinished(sweep, Timeout, async s =>
        {
            if (s.Running == 2) await sweep.Cancel();
        });
        var results = await sweep.GetResults();
        Print(results);
        Assert.Equal(SweepState.Cancelled, results.Status.State);
        Assert.All(results.Trials, t => Assert.Equal(TrialState.Cancelled, t.State));
        Assert.Equal(2, results.Trials.Count(t => t.Reason!.StartsWith("the sweep was cancelled at update", StringComparison.Ordinal)));
        foreach (var trial in results.Trials.Take(2))
            Assert.Equal(JobState.Cancelled, (await Client.GetGrain<ITrainingJobGrain>(trial.JobId).GetStatus()).State);
        await Assert.ThrowsAsync<JobNotFoundException>(() => Client.GetGrain<ITrainingJobGrain>(results.Trials[2].JobId).GetStatus());
    }
}
