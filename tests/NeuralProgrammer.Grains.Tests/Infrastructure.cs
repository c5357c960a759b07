using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// Builds the in-process test clusters: two silos (or more), grain storage <c>np</c> and the in-memory reminder
/// service, the fault-injection filter, and short retry delays so that failure tests run in seconds.
/// </summary>
public static class Clusters
{
    public static async Task<InProcessTestCluster> Start(short silos = 2, bool processStorage = false, Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        // NP_TEST_LOGS=1 writes each silo's log to a file in the working directory.
        builder.Options.ConfigureFileLogging = Environment.GetEnvironmentVariable("NP_TEST_LOGS") == "1";
        builder.ConfigureSilo((_, silo) =>
        {
            if (processStorage)
            {
                // Stands in for Redis: it outlives the silos, as durable storage does. Memory grain storage keeps its
                // data in grains spread over the silos, so a killed silo takes part of it along.
                silo.Services.AddGrainStorage("np", (services, _) => new ProcessGrainStorage(services.GetRequiredService<IGrainStorageSerializer>()));
            }
            else
            {
                silo.AddMemoryGrainStorage("np");
                silo.AddMemoryGrainStorageAsDefault();
            }
            silo.UseInMemoryReminderService();
            silo.AddIncomingGrainCallFilter<FaultInjectionFilter>();
            silo.Services.Configure<TrainingJobOptions>(o =>
            {
                o.RetryDelay = TimeSpan.FromMilliseconds(50);
                o.MaxRetryDelay = TimeSpan.FromSeconds(2);
                o.StepAttempts = 2;
            });
            silo.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

/// <summary>One cluster for the tests of the "cluster" collection; tests use their own job ids.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync() => Cluster = await Clusters.Start();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;

/// <summary>
/// Faults for worker calls: <see cref="Add"/> makes worker <c>{job}/{k}</c> throw at update u a number of times,
/// deactivating itself first as a real failing worker does.
/// </summary>
public static class Faults
{
    static readonly ConcurrentDictionary<(string Worker, long Update), int> Remaining = new();
    static readonly ConcurrentDictionary<string, int> Injected = new();

    public static void Add(string jobId, int worker, long update, int times) =>
        Remaining[(WorkerKeys.For(jobId, worker), update)] = times;

    public static int InjectedFor(string jobId) => Injected.GetValueOrDefault(jobId);

    internal static bool Take(string worker, long update)
    {
        while (Remaining.TryGetValue((worker, update), out var left) && left > 0)
        {
            if (Remaining.TryUpdate((worker, update), left - 1, left))
            {
                Injected.AddOrUpdate(worker[..worker.LastIndexOf('/')], 1, (_, n) => n + 1);
                return true;
            }
        }
        return false;
    }
}

public sealed class FaultInjectionFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is IWorkerGrain && context.Request.GetArgumentCount() == 1 && context.Request.GetArgument(0) is GradientRequest request
            && Faults.Take(context.TargetId.Key.ToString()!, request.Update))
        {
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "injected fault"));
            throw new InvalidOperationException($"Injected fault in worker {context.TargetId.Key} at update {request.Update}");
        }
        await context.Invoke();
    }
}

/// <summary>Waiting for jobs while timing every status call.</summary>
public static class Jobs
{
    /// <summary>
    /// Status calls interleave with a job's steps (<see cref="Orleans.Concurrency.AlwaysInterleaveAttribute"/>): one
    /// answers at the loop's next await, not after the slice of steps in flight (TrainingJobOptions.Slice, 250 ms), which
    /// would put the median wait near half a slice. So the median is the test; the slowest call only guards against a
    /// hang, because on a loaded machine one call may wait a second for a thread (1,006 and 1,426 ms were seen).
    /// </summary>
    public static void AssertStatusAnsweredBetweenSteps(IReadOnlyList<TimeSpan> latencies)
    {
        Assert.NotEmpty(latencies);
        var (median, slowest) = (latencies.Order().ElementAt(latencies.Count / 2), latencies.Max());
        var figures = $"{latencies.Count} status calls: median {median.TotalMilliseconds:F0} ms, slowest {slowest.TotalMilliseconds:F0} ms";
        Assert.True(median < TimeSpan.FromMilliseconds(100), figures);
        Assert.True(slowest < TimeSpan.FromSeconds(10), figures);
    }

    /// <summary>
    /// Polls the job's status until it is no longer running. <paramref name="tolerateErrors"/>: a status call that
    /// fails (the job's silo was just killed) is retried rather than thrown.
    /// </summary>
    public static async Task<JobStatus> WaitUntilFinished(ITrainingJobGrain job, TimeSpan timeout, List<TimeSpan>? statusLatencies = null,
        Func<JobStatus, Task>? onStatus = null, bool tolerateErrors = false, int pollMilliseconds = 100)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var call = Stopwatch.StartNew();
            JobStatus status;
            try
            {
                status = await job.GetStatus();
            }
            catch (Exception) when (tolerateErrors && clock.Elapsed < timeout)
            {
                await Task.Delay(pollMilliseconds);
                continue;
            }
            statusLatencies?.Add(call.Elapsed);
            if (status.State != JobState.Running) return status;
            if (onStatus is not null) await onStatus(status);
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Job {status.JobId} still running after {timeout}: update {status.Progress.Update} of {status.Progress.TotalUpdates}.");
            await Task.Delay(pollMilliseconds);
        }
    }

    /// <summary>The weights of the job's latest checkpoint (for a completed job: the trained model).</summary>
    public static async Task<float[]> Weights(ITrainingJobGrain job)
    {
        var checkpoint = await job.GetCheckpoint() ?? throw new InvalidOperationException("The job has no checkpoint.");
        using var weights = NeuralProgrammer.Model.Training.ParameterVector.FromBytes(checkpoint.Weights);
        return NeuralProgrammer.Model.Training.ParameterVector.ToArray(weights);
    }

    /// <summary>The single-process trainer's weights after the spec's steps.</summary>
    public static float[] SingleProcess(NeuralProgrammer.Model.Training.TrainingSpec spec)
    {
        using var trainer = new NeuralProgrammer.Model.Training.Trainer(spec);
        while (!trainer.Finished) trainer.Step();
        return NeuralProgrammer.Model.Training.ParameterVector.ToArray(trainer.Update.Weights);
    }

    public static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= tolerance, $"largest weight difference {worst:E2} > {tolerance:E0}");
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
