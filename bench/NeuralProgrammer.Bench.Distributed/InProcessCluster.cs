using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralProgrammer.Grains;
using Orleans.TestingHost;

/// <summary>The in-process Orleans test cluster: <c>silos</c> silos in this process, sharing its compute pool; measured with a MeterListener.</summary>
sealed class InProcessCluster(InProcessTestCluster cluster, short silos) : IBenchCluster
{
    /// <param name="simulatedCompute">The planning bench's stand-in for the workers' compute (<see cref="TrainingJobOptions.SimulatedCompute"/>); null trains.</param>
    public static async Task<InProcessCluster> StartAsync(short silos, TimeSpan? simulatedCompute = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage("np");
            silo.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            if (simulatedCompute is { } delay) silo.Services.Configure<TrainingJobOptions>(o => o.SimulatedCompute = delay);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new InProcessCluster(cluster, silos);
    }

    public IGrainFactory Grains => cluster.Client;

    public string Description => $"cluster: {silos} silos in this process; compute pool {ComputePool.Threads} threads x {ComputePool.TorchThreads} torch threads";

    public IStepMeter Meter(string job, int warmup) => new ListenedSteps(job, warmup);

    public IEnumerable<string> MeansLegend(IEnumerable<(int K, long TimedSteps)> timed) =>
        ["step = compute + communication, means over the timed steps as the job measured them (np_step_duration_seconds)."];

    public IEnumerable<string> CpuLegend =>
    [
        "cpu ms: CPU time of the whole process per step (all silos, the client, GC), which depends less than wall time on",
        "what else the machine runs. gc ms: GC pause per step; gen2: full collections per step.",
    ];

    public void DumpLogs() { } // the in-process silos' logs are this process's own

    public ValueTask DisposeAsync() => cluster.DisposeAsync();
}
