using NeuralProgrammer.Grains;

/// <summary>One bench job: started on the cluster, polled every 20 ms until it completes, measured by the cluster's meter.</summary>
static class BenchJob
{
    /// <returns>The job's figures and its update count; throws if it did not complete.</returns>
    public static async Task<(StepFigures Figures, long Updates)> RunAsync(IBenchCluster cluster, string id, JobSpec spec, int warmup)
    {
        using var meter = cluster.Meter(id, warmup);
        var job = cluster.Grains.GetGrain<ITrainingJobGrain>(id);
        var status = await job.Start(spec);
        while (status.State == JobState.Running)
        {
            await Task.Delay(20);
            status = await job.GetStatus();
            await meter.Mark(status.Progress.Update);
        }
        if (status.State != JobState.Completed) throw new InvalidOperationException($"job {id}: {status.State} {status.Error}");
        return (await meter.Figures(status.Progress.Update), status.Progress.Update);
    }
}
