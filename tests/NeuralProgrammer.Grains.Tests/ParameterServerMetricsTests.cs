using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// The parameter server's own metrics, from steps driven directly on it with two shards: the bytes of weights each
/// shard sends and of gradients it receives (K packed float32 slices each way per step, the two slices making the
/// vector), each shard's update time and every worker's compute and queue time, each as the values the step reports carry.
/// </summary>
[Collection("cluster")]
public class ParameterServerMetricsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task EveryStepCountsTheWeightsSentAndGradientsReceivedByEachShardAndTimesEachWorker()
    {
        const int workers = 3, steps = 4, shards = 2;
        var id = Jobs.NewId("ps-metrics");
        using var metrics = new MetricsRecorder(id);
        var spec = JobSpecTests.Spec("""
            {"Variant": "single-column", "TrainingExamples": 120, "TestExamples": 20, "Steps": 4, "EvaluateEvery": 4, "Workers": 3, "Shards": 2,
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
        Assert.Equal(2 * steps * workers * shards, metrics.Count("np_parameter_server_bytes_total")); // a pull and a push per worker, shard and step
        for (int s = 0; s < shards; s++)
        {
            long slice = ParameterSlice.Of(s, shards, parameters).Count * sizeof(float);
            var shardBytes = metrics.Of("np_parameter_server_bytes_total").Where(m => Equals(Tag(m.Tags, GrainMetrics.ShardTag), s));
            Assert.Equal(2 * steps * workers * slice, shardBytes.Sum(m => m.Value));
        }

        // Each shard times every update; the step reports the slower shard's.
        var updates = metrics.Of("np_parameter_server_update_seconds");
        Assert.Equal(steps * shards, updates.Count);
        Assert.All(reports, r => Assert.Equal(shards, r.ShardSilos.Length));
        Assert.All(reports.Select((r, i) => (r, i)), p => Assert.Equal(p.r.UpdateSeconds, updates.Skip(p.i * shards).Take(shards).Max(m => m.Value)));

        foreach (var instrument in new[] { "np_worker_compute_seconds", "np_worker_queue_seconds" })
        {
            var byWorker = metrics.Of(instrument).GroupBy(m => Tag(m.Tags, GrainMetrics.WorkerTag)).ToDictionary(g => g.Key!, g => g.Count());
            Assert.Equal(Enumerable.Range(0, workers).ToDictionary(k => (object)k, _ => steps), byWorker);
        }
        // The critical worker of each step is one of the measurements (its compute and queue time, as one reply).
        var computed = metrics.Of("np_worker_compute_seconds").Select(m => m.Value).ToList();
        var queued = metrics.Of("np_worker_queue_seconds").Select(m => m.Value).ToList();
        Assert.All(reports, r => Assert.Contains((r.WorkerComputeSeconds, r.WorkerQueueSeconds), computed.Zip(queued)));
        Assert.All(computed, c => Assert.True(c > 0, $"a worker computed for {c} s"));
    }

    static object? Tag(KeyValuePair<string, object?>[] tags, string key) => tags.Single(t => t.Key == key).Value;
}
