using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralProgrammer.Grains.Sweeps;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace NeuralProgrammer.Sweep.Tests;

/// <summary>
/// In-process test clusters for sweeps (the approach of the grain tests): grain storage <c>np</c> that outlives the
/// silos as Redis would, the in-memory reminder service, a filter that counts job starts, short job slices and a fast
/// sweep poll, so that the tiny trials of these tests run in seconds.
/// </summary>
public static class SweepClusters
{
    public static async Task<InProcessTestCluster> Start(short silos = 2, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage("np", (services, _) => new ProcessGrainStorage(services.GetRequiredService<IGrainStorageSerializer>()));
            silo.AddMemoryGrainStorageAsDefault();
            silo.UseInMemoryReminderService();
            silo.AddIncomingGrainCallFilter<JobStartCounter>();
            silo.Services.Configure<TrainingJobOptions>(o =>
            {
                o.RetryDelay = TimeSpan.FromMilliseconds(50);
                o.MaxRetryDelay = TimeSpan.FromSeconds(2);
                o.Slice = TimeSpan.FromMilliseconds(50);
                o.ProgressInterval = TimeSpan.FromMilliseconds(100);
            });
            silo.Services.Configure<SweepOptions>(o => o.PollInterval = TimeSpan.FromMilliseconds(100));
            silo.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

/// <summary>One two-silo cluster for the tests of the "sweep cluster" collection; tests use their own sweep ids.</summary>
public sealed class SweepClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync() => Cluster = await SweepClusters.Start();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition("sweep cluster")]
public sealed class SweepClusterCollection : ICollectionFixture<SweepClusterFixture>;

/// <summary>Counts <see cref="ITrainingJobGrain.Start"/> calls per job id, in every silo of the test process.</summary>
public sealed class JobStartCounter : IIncomingGrainCallFilter
{
    static readonly ConcurrentDictionary<string, int> Starts = new();

    public static int For(string jobId) => Starts.GetValueOrDefault(jobId);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ITrainingJobGrain && context.InterfaceMethod?.Name == nameof(ITrainingJobGrain.Start))
            Starts.AddOrUpdate(context.TargetId.Key.ToString()!, 1, (_, n) => n + 1);
        await context.Invoke();
    }
}

/// <summary>Tiny trials and waiting for sweeps.</summary>
public static class TestSweeps
{
    /// <summary>A trial that trains in about a second: the demo's aggregation and comparison questions, d = 16, batch 20.</summary>
    public static JobSpec Tiny(int steps, int evaluateEvery) => Job($$$"""
        {"Preset": "demo", "TrainingExamples": 1000, "TestExamples": 200, "Steps": {{{steps}}}, "EvaluateEvery": {{{evaluateEvery}}},
         "HyperParameters": {"Dimension": 16, "BatchSize": 20}}
        """);

    /// <summary>A job spec as a user writes it in JSON.</summary>
    public static JobSpec Job(string json) => System.Text.Json.JsonSerializer.Deserialize<JobSpec>(json)!;

    /// <summary>The training spec a job spec resolves to.</summary>
    public static NeuralProgrammer.Model.Training.TrainingSpec Resolved(JobSpec spec) => JobSpecs.ToTrainingSpec(spec);

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>
    /// Polls the sweep until it is no longer running; <paramref name="onStatus"/> sees every status.
    /// <paramref name="tolerateErrors"/>: a failed call (the sweep's silo was just killed) is retried.
    /// </summary>
    public static async Task<SweepStatus> WaitUntilFinished(ISweepGrain sweep, TimeSpan timeout, Func<SweepStatus, Task>? onStatus = null,
        bool tolerateErrors = false, int pollMilliseconds = 50)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            SweepStatus status;
            try
            {
                status = await sweep.GetStatus();
            }
            catch (Exception) when (tolerateErrors && clock.Elapsed < timeout)
            {
                await Task.Delay(pollMilliseconds);
                continue;
            }
            if (onStatus is not null) await onStatus(status);
            if (status.State != SweepState.Running) return status;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Sweep {status.SweepId} still running after {timeout}: {status.Ended} of {status.Trials} trials ended.");
            await Task.Delay(pollMilliseconds);
        }
    }

    /// <summary>Polls a job until it ends.</summary>
    public static async Task<JobStatus> WaitForJob(ITrainingJobGrain job, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await job.GetStatus();
            if (status.State != JobState.Running) return status;
            if (clock.Elapsed > timeout) throw new TimeoutException($"Job {status.JobId} still running after {timeout}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The most intervals that overlap at one instant.</summary>
    public static int MaxOverlap(IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> intervals)
    {
        var events = intervals.SelectMany(i => new[] { (i.Start, +1), (i.End, -1) })
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2) // an end before a start at the same instant
            .ToList();
        int now = 0, most = 0;
        foreach (var (_, delta) in events) most = Math.Max(most, now += delta);
        return most;
    }
}
