using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// <see cref="TrainingJobOptions.SimulatedCompute"/>, the planning bench's stand-in for forward/backward: workers are
/// ready at once, a step takes about the delay, and the shards still exchange full slices with every worker.
/// </summary>
public class SimulatedComputeTests
{
    [Fact]
    public async Task AStepWaitsTheDelayAndMovesEveryWorkersSlicesWithItsShareOfTheBatch()
    {
        const int workers = 3, shards = 2, steps = 4, batch = 10;
        var delay = TimeSpan.FromMilliseconds(100);
        await using var cluster = await Clusters.Start(configure: silo => silo.Services.Configure<TrainingJobOptions>(o => o.SimulatedCompute = delay));
        var id = Jobs.NewId("simulated");
        using var metrics = new MetricsRecorder(id);
        var spec = JobSpecTests.Spec($$$"""
            {"Variant": "single-column", "TrainingExamples": 100000, "TestExamples": 20, "Steps": {{{steps}}}, "EvaluateEvery": {{{steps}}},
             "Workers": {{{workers}}}, "Shards": {{{shards}}}, "HyperParameters": {"Dimension": 16, "BatchSize": {{{batch}}}}}
            """);
        var server = cluster.Client.GetGrain<IParameterServerGrain>(id);
        long parameters = await server.Initialize(new ParameterServerInit(new WorkerAssignment(id, spec, 0, workers, "cpu"), null));

        // Nothing to build: 100,000 training examples would take seconds to generate.
        var preparing = Stopwatch.StartNew();
        Preparation? preparation = null;
        await foreach (var report in server.Prepare()) preparation = report;
        Assert.Equal(PreparationPhase.Ready, preparation?.Phase);
        Assert.Equal(workers, preparation!.WorkersReady);
        Assert.True(preparing.Elapsed < TimeSpan.FromSeconds(2), $"preparation took {preparing.Elapsed}");

        var reports = new List<StepReport>();
        for (long update = 0; update < steps; update++) reports.Add(await server.Step(update));
        await server.Release();

        Assert.All(reports, r =>
        {
            Assert.Equal(batch, r.ExampleCount); // 3 + 3 + 4
            Assert.InRange(r.WorkerComputeSeconds, delay.TotalSeconds * 0.95, delay.TotalSeconds + 0.5);
            Assert.InRange(r.WallSeconds, delay.TotalSeconds * 0.95, delay.TotalSeconds + 1.5); // a busy machine adds scheduling, never less than the delay
        });
        for (int s = 0; s < shards; s++)
        {
            long slice = ParameterSlice.Of(s, shards, parameters).Count * sizeof(float);
            foreach (var direction in new[] { GrainMetrics.Sent, GrainMetrics.Received })
            {
                double bytes = metrics.Of("np_parameter_server_bytes_total")
                    .Where(m => m.Tags.Contains(new(GrainMetrics.ShardTag, s)) && m.Tags.Contains(new(GrainMetrics.DirectionTag, direction))).Sum(m => m.Value);
                Assert.Equal(steps * workers * slice, bytes);
            }
        }
    }
}
