using System.Diagnostics;
using Orleans.Runtime;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// Twenty small jobs at once on the two silos of the shared cluster (on two cores): all complete with their results,
/// no silo is declared dead, and every status call answers within a second while they run — compute stays off the
/// Orleans scheduler (docs/architecture.md 2.2 point 6).
/// </summary>
[Collection("cluster")]
public class LoadTests(ClusterFixture fixture)
{
    [Fact]
    public async Task TwentyJobsAtOnceAllCompleteAndStatusKeepsAnswering()
    {
        var spec = JobSpecTests.Spec("""
            {"Variant": "single-column", "TrainingExamples": 400, "TestExamples": 100, "Steps": 60, "EvaluateEvery": 20, "Workers": 2,
             "HyperParameters": {"Dimension": 32, "BatchSize": 20}}
            """);
        var jobs = Enumerable.Range(0, 20)
            .Select(i => fixture.Client.GetGrain<ITrainingJobGrain>(Jobs.NewId($"load{i:00}"))).ToList();
        await Task.WhenAll(jobs.Select((job, i) => job.Start(spec.With("Seed", $"{i + 1}"))));

        var latencies = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var running = jobs.ToList();
        while (running.Count > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), $"{running.Count} jobs still running after {clock.Elapsed}");
            foreach (var job in running.ToList())
            {
                var call = Stopwatch.StartNew();
                var status = await job.GetStatus();
                latencies.Add(call.Elapsed);
                if (status.State != JobState.Running)
                {
                    Assert.True(status.State == JobState.Completed, $"{status.JobId}: {status.State} {status.Error}");
                    running.Remove(job);
                }
            }
            await Task.Delay(50);
        }

        var results = await Task.WhenAll(jobs.Select(job => job.GetResult()));
        Assert.All(results, r => Assert.Equal(60, r.Updates));
        Assert.All(results, r => Assert.Equal([20L, 40, 60], r.Curve.Select(p => p.Update)));
        Assert.True(latencies.Count > 40);
        Jobs.AssertStatusAnsweredBetweenSteps(latencies);

        var hosts = await fixture.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
        Assert.Equal(2, hosts.Count);
        Assert.All(hosts, h => Assert.Equal(SiloStatus.Active, h.Value));
    }
}
