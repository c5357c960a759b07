using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// Failure handling (docs/architecture.md 2.2 point 5): a failing worker is retried on a fresh activation, a lost parameter
/// server or job activation resumes from the checkpoint — and since data order and noise follow the update number,
/// the recovered run ends with the uninterrupted run's weights.
/// </summary>
[Collection("cluster")]
public class FailureTests(ClusterFixture fixture)
{
    static TrainingSpec Small(int steps, int evaluateEvery) => new()
    {
        Variant = DatasetVariant.SingleColumn,
        TrainingExamples = 300,
        TestExamples = 40,
        Steps = steps,
        EvaluateEvery = evaluateEvery,
        Seed = 5,
        HyperParameters = HyperParameters.Default with { Dimension = 16, BatchSize = 20, NoiseEta = 1 },
    };

    ITrainingJobGrain NewJob(string prefix, out string id)
    {
        id = Jobs.NewId(prefix);
        return fixture.Client.GetGrain<ITrainingJobGrain>(id);
    }

    [Fact]
    public async Task AWorkerThatThrowsIsRetriedAndTheRunIsUnchanged()
    {
        var spec = Small(steps: 10, evaluateEvery: 5);
        var job = NewJob("worker-fault", out var id);
        Faults.Add(id, worker: 1, update: 3, times: 2);
        Faults.Add(id, worker: 0, update: 7, times: 1);
        await job.Start(JobSpecs.FromTrainingSpec(spec, workers: 2));
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(1));

        Assert.True(status.State == JobState.Completed, status.Error);
        Assert.Equal(3, Faults.InjectedFor(id));
        Assert.Equal(3, status.WorkerRetries);
        Jobs.AssertClose(Jobs.SingleProcess(spec), await Jobs.Weights(job));
    }

    [Fact]
    public async Task AWorkerThatKeepsFailingFailsTheJobWithTheReason()
    {
        var job = NewJob("worker-broken", out var id);
        Faults.Add(id, worker: 1, update: 2, times: 1_000);
        await job.Start(JobSpecs.FromTrainingSpec(Small(steps: 10, evaluateEvery: 5), workers: 2));
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(1));

        Assert.Equal(JobState.Failed, status.State);
        Assert.Contains("Worker 1 failed update 2 6 times", status.Error);
        Assert.Contains("update 2 was tried 2 times", status.Error);
        Assert.Contains("Injected fault", status.Error);
        var error = await Assert.ThrowsAsync<JobStateException>(job.GetResult);
        Assert.Contains("failed", error.Message);
        Assert.Contains("Worker 1", error.Message);
    }

    [Fact]
    public async Task ALostParameterServerIsRebuiltFromTheCheckpoint()
    {
        var spec = Small(steps: 150, evaluateEvery: 25);
        var job = NewJob("server-lost", out var id);
        await job.Start(JobSpecs.FromTrainingSpec(spec, workers: 2));
        bool lost = false;
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(2), pollMilliseconds: 10, onStatus: async s =>
        {
            if (lost || s.Progress.Update < 40) return;
            lost = true;
            await fixture.Cluster.DeactivateAsync(fixture.Client.GetGrain<IParameterServerGrain>(id));
        });

        Assert.True(lost, "the job finished before the test could take its parameter server away");
        Assert.True(status.State == JobState.Completed, status.Error);
        Assert.True(status.Resumes >= 1, "the job did not notice that its parameter server was lost");
        Jobs.AssertClose(Jobs.SingleProcess(spec), await Jobs.Weights(job));
        Assert.Equal([25L, 50, 75, 100, 125, 150], (await job.GetResult()).Curve.Select(p => p.Update));
    }

    [Fact]
    public async Task ALostJobActivationResumesFromItsCheckpointOnTheNextCall()
    {
        var spec = Small(steps: 150, evaluateEvery: 25);
        var job = NewJob("job-lost", out _);
        await job.Start(JobSpecs.FromTrainingSpec(spec, workers: 2));
        bool lost = false;
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(2), pollMilliseconds: 10, onStatus: async s =>
        {
            if (lost || s.Progress.Update < 40) return;
            lost = true;
            await fixture.Cluster.DeactivateAsync(job);
        });

        Assert.True(lost, "the job finished before the test could deactivate it");
        Assert.True(status.State == JobState.Completed, status.Error);
        Assert.True(status.Resumes >= 1);
        Jobs.AssertClose(Jobs.SingleProcess(spec), await Jobs.Weights(job));
    }

    [Fact]
    public async Task ACompletedResultOutlivesTheJobsActivation()
    {
        var job = NewJob("result-kept", out _);
        await job.Start(JobSpecs.FromTrainingSpec(Small(steps: 6, evaluateEvery: 3), workers: 1));
        await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(1));
        var result = await job.GetResult();
        await fixture.Cluster.DeactivateAsync(job);

        var again = await job.GetResult();
        Assert.Equal(result.Accuracy, again.Accuracy);
        Assert.Equal(result.Curve.Select(p => p.Update), again.Curve.Select(p => p.Update));
        Assert.Equal(JobState.Completed, (await job.GetStatus()).State);
        Assert.Equal(6, again.Updates);
        Assert.NotEmpty(again.Programs);
    }
}
