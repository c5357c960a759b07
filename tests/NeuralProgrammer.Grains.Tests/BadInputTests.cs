namespace NeuralProgrammer.Grains.Tests;

/// <summary>Every bad input is rejected with a message naming the field, leaves no job behind, and the cluster then trains a good job.</summary>
[Collection("cluster")]
public class BadInputTests(ClusterFixture fixture)
{
    static readonly JobSpec Good = JobSpecTests.Spec("""
        {"Variant": "single-column", "TrainingExamples": 100, "TestExamples": 20, "Steps": 4, "EvaluateEvery": 2, "Workers": 2,
         "HyperParameters": {"Dimension": 16, "BatchSize": 10}}
        """);

    ITrainingJobGrain Job(string prefix) => fixture.Client.GetGrain<ITrainingJobGrain>(Jobs.NewId(prefix));

    [Fact]
    public async Task EveryBadSpecIsRejectedNamingItsFieldAndThenAGoodJobRuns()
    {
        foreach (var (field, spec) in JobSpecTests.BadSpecs.Values)
        {
            var job = Job("bad");
            var error = await Assert.ThrowsAsync<JobSpecException>(() => job.Start(spec));
            Assert.Contains(error.Problems, p => p.StartsWith(field + " = ", StringComparison.Ordinal));
            await Assert.ThrowsAsync<JobNotFoundException>(job.GetStatus); // a rejected spec leaves no job
        }

        var good = Job("good-after-bad");
        await good.Start(Good);
        var status = await Jobs.WaitUntilFinished(good, TimeSpan.FromMinutes(1));
        Assert.True(status.State == JobState.Completed, status.Error);
        Assert.Equal(4, (await good.GetResult()).Updates);
    }

    [Fact]
    public async Task ADeviceTheSiloLacksIsRejected()
    {
        if (TorchSharp.torch.cuda.is_available()) return; // this check is about machines without CUDA
        var error = await Assert.ThrowsAsync<JobSpecException>(() => Job("cuda").Start(Good.With("Device", "cuda")));
        Assert.StartsWith("Device = 'cuda'", error.Problems.Single());
    }

    [Fact]
    public async Task AnUnknownJobIdIsAClearError()
    {
        var job = Job("never-started");
        var error = await Assert.ThrowsAsync<JobNotFoundException>(job.GetStatus);
        Assert.Contains("never started", error.Message);
        await Assert.ThrowsAsync<JobNotFoundException>(job.GetProgress);
        await Assert.ThrowsAsync<JobNotFoundException>(job.GetResult);
        await Assert.ThrowsAsync<JobNotFoundException>(job.Cancel);
        await Assert.ThrowsAsync<JobNotFoundException>(job.GetCheckpoint);
        await Assert.ThrowsAsync<JobNotFoundException>(async () =>
        {
            await foreach (var _ in job.Watch()) { }
        });
    }

    [Fact]
    public async Task ATakenIdIsRefusedAndARunningJobHasNoResultYet()
    {
        var job = Job("taken");
        await job.Start(Good.With("Steps", "100000").With("EvaluateEvery", "50000"));
        var taken = await Assert.ThrowsAsync<JobStateException>(() => job.Start(Good));
        Assert.Contains("already exists", taken.Message);
        var running = await Assert.ThrowsAsync<JobStateException>(job.GetResult);
        Assert.Contains("still running", running.Message);

        var cancelled = await job.Cancel();
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal(JobState.Cancelled, (await job.GetStatus()).State);
        var noResult = await Assert.ThrowsAsync<JobStateException>(job.GetResult);
        Assert.Contains("cancelled", noResult.Message);
        Assert.Equal(JobState.Cancelled, (await job.Cancel()).State); // cancelling again changes nothing
    }
}
