using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace NeuralProgrammer.Sweep.Tests;

/// <summary>
/// The silo holding a sweep dies mid-way: the next call re-activates the sweep on the surviving silo from grain
/// storage, and it goes on; completed trials are not run again (each trial's job is started exactly once). Own
/// cluster: this one loses a silo.
/// </summary>
public sealed class RestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    InProcessTestCluster cluster = null!;

    public async Task InitializeAsync() =>
        cluster = await SweepClusters.Start(silos: 2, configure: silo =>
            silo.Services.Configure<TrainingJobOptions>(o => o.WorkerAttempts = 40)); // outlast the failure detection

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task ASweepWhoseSiloDiesResumesWithoutRunningCompletedTrialsAgain()
    {
        var id = TestSweeps.NewId("restart");
        var sweep = cluster.Client.GetGrain<ISweepGrain>(id);
        await sweep.Start(new SweepSpec
        {
            Base = TestSweeps.Tiny(steps: 200, evaluateEvery: 50),
            Space = [new() { Name = "HyperParameters.LearningRate", Values = ["0.003", "0.02"] }],
            Seeds = [1, 2, 3],
            Concurrency = 2,
        });

        // Mid-way: two trials completed, more to come.
        SweepResults before;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            before = await sweep.GetResults();
            if (before.Status.Completed >= 2) break;
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "no trial completed in 3 minutes");
            await Task.Delay(50);
        }
        Assert.Equal(SweepState.Running, before.Status.State);
        Assert.True(before.Status.Queued > 0, "the sweep should still have queued trials when its silo dies");
        var victim = cluster.GetActiveSilos().Single(s => s.SiloAddress.ToString() == before.Status.Silo);
        output.WriteLine($"killing {victim.SiloAddress} (the sweep's silo) at {clock.Elapsed.TotalSeconds:F1} s with {before.Status.Completed} trials completed, " +
                         $"{before.Status.Running} running, {before.Status.Queued} queued");
        await cluster.KillSiloAsync(victim);

        // The next query re-activates it elsewhere (the test cluster's reminders would take a minute).
        var final = await TestSweeps.WaitUntilFinished(sweep, TimeSpan.FromMinutes(5), tolerateErrors: true, pollMilliseconds: 200);
        var after = await sweep.GetResults();
        output.WriteLine($"finished at {clock.Elapsed.TotalSeconds:F1} s on {final.Silo}, {final.Resumes} resumes");
        foreach (var t in after.Trials)
            output.WriteLine($"  {t.Number} {SweepPlanner.Describe(t.Parameters),-36} {t.State,-10} best {t.BestAccuracy,6:P1} steps {t.Steps}/{t.TotalSteps} " +
                             $"starts {JobStartCounter.For(t.JobId)} {t.Reason}");

        Assert.Equal(SweepState.Completed, final.State);
        Assert.NotEqual(victim.SiloAddress.ToString(), final.Silo);
        Assert.True(final.Resumes >= 1, "the sweep did not resume in a new activation");
        Assert.Equal(6, final.Completed);
        // Every trial's job was started once: the completed ones were not run again, the running ones resumed.
        Assert.All(after.Trials, t => Assert.Equal(1, JobStartCounter.For(t.JobId)));
        foreach (var done in before.Trials.Where(t => t.State == TrialState.Completed))
        {
            var again = after.Trials[done.Number - 1];
            Assert.Equal((done.Finished, done.BestAccuracy, done.Steps), (again.Finished, again.BestAccuracy, again.Steps));
            Assert.Equal(0, (await cluster.Client.GetGrain<ITrainingJobGrain>(done.JobId).GetStatus()).Resumes);
        }
    }
}
