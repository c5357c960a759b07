using Orleans.TestingHost;

namespace NeuralProgrammer.Sweep.Tests;

/// <summary>
/// A sweep's state write that reached storage but whose reply was lost (a Redis write that timed out under load)
/// leaves its activation with a stale ETag: every later write is refused. The sweep must go on from what storage
/// holds — every trial finished, each trial's job started once — not retry that write forever. Own cluster: the lost
/// reply is injected into the process-wide storage.
/// </summary>
public sealed class StorageFailureTests : IAsyncLifetime
{
    InProcessTestCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await SweepClusters.Start(silos: 1);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task ASweepWhoseStateWriteLostItsReplyFinishesEveryTrialOnce()
    {
        var id = TestSweeps.NewId("write-lost");
        var sweep = cluster.Client.GetGrain<ISweepGrain>(id);
        await sweep.Start(new SweepSpec
        {
            Base = TestSweeps.Tiny(steps: 200, evaluateEvery: 50),
            Space = [new() { Name = "HyperParameters.LearningRate", Values = ["0.003", "0.02"] }],
            Seeds = [1, 2],
            Concurrency = 2,
        });
        ProcessGrainStorage.LoseReplies(id, writes: 1); // the next write, once the first trials have moved on

        var final = await TestSweeps.WaitUntilFinished(sweep, TimeSpan.FromMinutes(3), tolerateErrors: true, pollMilliseconds: 200);
        var results = await sweep.GetResults();

        Assert.Equal(0, ProcessGrainStorage.RepliesToLose(id));
        Assert.Equal(SweepState.Completed, final.State);
        Assert.True(final.Resumes >= 1, "the sweep should have gone on in a new activation from its stored state");
        Assert.Equal(4, final.Completed);
        Assert.All(results.Trials, t => Assert.Equal(1, JobStartCounter.For(t.JobId)));

        // What storage holds is the finished sweep: an activation read afresh from it (as after a lost silo) agrees.
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var stored = await sweep.GetStatus();
        Assert.Equal((SweepState.Completed, 4), (stored.State, stored.Completed));
    }
}
