namespace NeuralProgrammer.EndToEnd.Tests;

/// <summary>
/// Redis, two silos clustered through it (grain state and reminders in Redis too; the dashboard on the first) and,
/// if asked, Prometheus scraping both silos: all real processes on 127.0.0.1 and free ports, under one temporary
/// directory. Disposing stops every process (SIGKILL to its process tree), prints their logs to the test output and
/// deletes the directory, also when a start fails half way.
/// </summary>
sealed class Cluster : IAsyncDisposable
{
    static readonly TimeSpan SiloStartTimeout = TimeSpan.FromSeconds(120);

    readonly List<IAsyncDisposable> started = [];
    readonly List<ChildProcess> processes = [];

    public Timeline Timeline { get; }
    public string Directory { get; }
    public RedisServer Redis { get; private set; } = null!;
    public IReadOnlyList<SiloNode> Silos { get; private set; } = [];
    public PrometheusServer? Prometheus { get; private set; }
    /// <summary>np's <c>--cluster</c> value for this cluster.</summary>
    public string Address => $"redis:{Redis.ConnectionString}";

    Cluster(Timeline timeline)
    {
        Timeline = timeline;
        Directory = System.IO.Directory.CreateTempSubdirectory("np-e2e-").FullName;
    }

    public static async Task<Cluster> StartAsync(Timeline timeline, bool prometheus)
    {
        var cluster = new Cluster(timeline);
        try
        {
            await cluster.StartCoreAsync(prometheus);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    async Task StartCoreAsync(bool prometheus)
    {
        var redisDirectory = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "redis")).FullName;
        Redis = Track(await RedisServer.StartAsync(redisDirectory, Timeline), r => r.Process);
        // Both silos start at once (each joins through the Redis membership table); the first serves the dashboard.
        Silos =
        [
            Track(SiloNode.Start("silo-a", Redis.ConnectionString, dashboard: true, Timeline), s => s.Process),
            Track(SiloNode.Start("silo-b", Redis.ConnectionString, dashboard: false, Timeline), s => s.Process),
        ];
        await Task.WhenAll(Silos.Select(s => s.WaitUntilHealthyAsync(SiloStartTimeout)));
        Timeline.Log("both silos answer /healthz (active cluster members)");
        if (prometheus)
        {
            Prometheus = Track(await PrometheusServer.StartAsync(Path.Combine(Directory, "prometheus"), Silos.Select(s => s.MetricsTarget), Timeline),
                p => p.Process);
            Timeline.Log($"Prometheus ready on {Prometheus.Url}");
        }
    }

    T Track<T>(T item, Func<T, ChildProcess> process) where T : IAsyncDisposable
    {
        started.Add(item);
        processes.Add(process(item));
        return item;
    }

    /// <summary>Runs np to completion in the cluster's directory.</summary>
    public Task<Np.Outcome> NpAsync(TimeSpan timeout, params string[] args) => Np.RunAsync(Timeline, Directory, timeout, args);

    /// <summary>Starts np in the background; the cluster stops it on dispose if it is still running.</summary>
    public ChildProcess StartNp(params string[] args)
    {
        var np = Np.Start(Timeline, Directory, args);
        started.Add(np);
        processes.Add(np);
        return np;
    }

    public async ValueTask DisposeAsync()
    {
        // Last started, first stopped: np, Prometheus, the silos, then Redis.
        foreach (var item in Enumerable.Reverse(started)) await item.DisposeAsync();
        foreach (var process in processes) Timeline.Dump(process.Name, process.Log());
        started.Clear();
        processes.Clear();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Timeline.Log($"could not delete {Directory}: {e.Message}"); }
    }
}
