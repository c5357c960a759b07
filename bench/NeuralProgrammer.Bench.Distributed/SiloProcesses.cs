using NeuralProgrammer.Client;

/// <summary>
/// Silo processes (<c>dotnet NeuralProgrammer.Silo.dll</c>, as the end-to-end tests start them) clustered through a
/// redis-server of their own, all on 127.0.0.1 under one temporary directory; this process connects to them as np
/// does (<see cref="ClusterSession"/>) and measures jobs from the silos' /metrics. Disposing stops every process and
/// deletes the directory; the silos' logs go to stderr if a job failed.
/// </summary>
sealed class SiloProcesses : IBenchCluster
{
    static readonly TimeSpan SiloStartTimeout = TimeSpan.FromSeconds(120);

    readonly string directory = Directory.CreateTempSubdirectory("np-bench-").FullName;
    readonly Timeline timeline = new(_ => { });
    readonly List<SiloNode> silos = [];
    RedisServer? redis;
    ClusterSession? session;

    SiloProcesses() { }

    /// <param name="settings">Further silo settings (e.g. <c>Training:SimulatedCompute</c>), on every silo's command line.</param>
    public static async Task<SiloProcesses> StartAsync(int silos, IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new SiloProcesses();
        try
        {
            cluster.redis = await RedisServer.StartAsync(Directory.CreateDirectory(Path.Combine(cluster.directory, "redis")).FullName, cluster.timeline);
            for (int i = 0; i < silos; i++)
                cluster.silos.Add(SiloNode.Start($"silo-{(char)('a' + i)}", cluster.redis.ConnectionString, dashboard: false, cluster.timeline, settings));
            await Task.WhenAll(cluster.silos.Select(s => s.WaitUntilHealthyAsync(SiloStartTimeout)));
            cluster.session = await ClusterSession.Connect($"redis:{cluster.redis.ConnectionString}", CancellationToken.None);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public IGrainFactory Grains => session!.Grains;

    public string Description =>
        $"cluster: {silos.Count} silo processes (pids {string.Join(", ", silos.Select(s => s.Process.Id))}) clustered through redis-server {redis!.ConnectionString}; " +
        $"each silo's compute pool {Environment.ProcessorCount} threads x 1 torch thread (Torch:Threads = 1)";

    public IStepMeter Meter(string job, int warmup) => new ScrapedSteps(job, warmup, silos);

    public IEnumerable<string> MeansLegend(IEnumerable<(int K, long TimedSteps)> timed) =>
    [
        "step = compute + communication, means of the job's np_step_duration_seconds (sum / count) between two scrapes of the",
        "silos' /metrics: one once the job had passed the warm-up, one after it had completed; the steps between them were",
        $"K = {string.Join(", K = ", timed.Select(t => $"{t.K}: {t.TimedSteps}"))}.",
    ];

    public IEnumerable<string> CpuLegend =>
    [
        "cpu ms: CPU time of the silo processes per step (not this client's nor Redis'); gc ms, gen2: the silos do not export",
        "their GC, so '-'.",
    ];

    /// <summary>Writes every silo's log to stderr, for a job that failed.</summary>
    public void DumpLogs()
    {
        foreach (var silo in silos) Console.Error.WriteLine($"===== {silo.Process.Log()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (session is not null) await session.DisposeAsync();
        foreach (var silo in Enumerable.Reverse(silos)) await silo.DisposeAsync();
        if (redis is not null) await redis.DisposeAsync();
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException e) { Console.Error.WriteLine($"could not delete {directory}: {e.Message}"); }
    }
}
