namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// The parameter server's own metrics, from steps driven directly on it: the bytes of weights it sends and of
/// gradients it receives (K packed float32 vectors each way per step), its update time and every worker's compute
/// and queue time, each as the values the step reports carry.
/// </summary>
[Collection("cluster")]
public class ParameterServerMetricsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task EveryStepCountsTheWeightsSentAndGradientsReceivedAndTimesEachWorker()
    {
        const int workers = 3, steps = 4;
        var id = Jobs.NewId("ps-metrics");
        using var metrics = new MetricsRecorder(id);
        var spec = JobSpecTests.Spec("""
            {"Variant": "single-column", "TrainingExamples": 120, "TestExamples": 20, "Steps": 4, "EvaluateEvery": 4, "Workers": 3,
             "HyperParameters": {"Dimension": 16, "BatchSize": 12}}
            """);
        var server = fixture.Client.GetGrain<IParameterServerGrain>(id);
        long parameters = await server.Initialize(new ParameterServerInit(new WorkerAssignment(id, spec, 0, workers, "cpu"), null));
        var reports = new List<StepReport>();
        for (long update = 0; update < steps; update++) reports.Add(await server.Step(update));
        await server.Release();

        Assert.All(reports, r => Assert.Equal(0, r.Retries));
        long perStep = workers * parameters * sizeof(float);
        Assert.Equal(steps * perStep, metrics.Sum("np_parameter_server_bytes_total", (GrainMetrics.DirectionTag, GrainMetrics.Sent)));
        Assert.Equal(steps * perStep, metrics.Sum("np_parameter_server_bytes_total", (GrainMetrics.DirectionTag, GrainMetrics.Received)));
        Assert.Equal(2 * steps * workers, metrics.Count("np_parameter_server_bytes_total")); // one request and one reply per worker and step

        Assert.Equal(reports.Select(r => r.UpdateSeconds), metrics.Of("np_parameter_server_update_seconds").Select(m => m.Value));

        foreach (var instrument in new[] { "np_worker_compute_seconds", "np_worker_queue_seconds" })
        {
            var byWorker = metrics.Of(instrument).GroupBy(m => m.Tags.Single(t => t.Key == GrainMetrics.WorkerTag).Value).ToDictionary(g => g.Key!, g => g.Count());
            Assert.Equal(Enumerable.Range(0, workers).ToDictionary(k => (object)k, _ => steps), byWorker);
        }
        // The critical worker of each step is one of the measurements (its compute and queue time, as one reply).
        var computed = metrics.Of("np_worker_compute_seconds").Select(m => m.Value).ToList();
        var queued = metrics.Of("np_worker_queue_seconds").Select(m => m.Value).ToList();
        Assert.All(reports, r => Assert.Contains((r.WorkerComputeSeconds, r.WorkerQueueSeconds), computed.Zip(queued)));
        Assert.All(computed, c => Assert.True(c > 0, $"a worker computed for {c} s"));
    }
}
