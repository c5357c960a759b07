using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using Orleans.TestingHost;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// A checkpoint write that reached storage but whose reply was lost (a Redis write that timed out under load) leaves
/// the job's activation with a stale ETag: every later write is refused. The job must go on from what storage holds,
/// not retry that write forever with its training stopped. Own cluster: its storage is the process-wide stand-in for
/// Redis, into which the lost reply is injected.
/// </summary>
public sealed class StorageFailureTests : IAsyncLifetime
{
    InProcessTestCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await Clusters.Start(silos: 1, processStorage: true);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task AJobWhoseCheckpointWriteLostItsReplyResumesInsteadOfStalling()
    {
        // Long enough to span several of the job's turns (TrainingJobOptions.Slice), so that it writes again after the lost reply.
        var spec = new TrainingSpec
        {
            Variant = DatasetVariant.SingleColumn, TrainingExamples = 300, TestExamples = 40, Steps = 1000, EvaluateEvery = 50, Seed = 5,
            HyperParameters = HyperParameters.Default with { Dimension = 16, BatchSize = 20 },
        };
        var id = Jobs.NewId("write-reply-lost");
        var job = cluster.Client.GetGrain<ITrainingJobGrain>(id);
        await job.Start(JobSpecs.FromTrainingSpec(spec, workers: 1));
        ProcessGrainStorage.LoseReplies(id, writes: 1); // the next write is the checkpoint at update 50
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(1));

        Assert.Equal(0, ProcessGrainStorage.RepliesToLose(id));
        Assert.True(status.State == JobState.Completed, $"{status.State} at update {status.Progress.Update}: {status.Error}");
        Assert.True(status.Resumes >= 1, $"the job should have resumed from its stored checkpoint; last recovery: {status.LastRecovery}");
        Assert.Equal(1000, (await job.GetResult()).Updates);
        Jobs.AssertClose(Jobs.SingleProcess(spec), await Jobs.Weights(job));
    }
}
