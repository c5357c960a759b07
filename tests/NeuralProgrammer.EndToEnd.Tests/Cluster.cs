namespace NeuralProgrammer.EndToEnd.Tests;

/// <summary>
/// Redis (with an append-only file if asked), two or more silos clustered through it (grain state and reminders in
/// Redis too; the dashboard on the first) and, if asked, Prometheus scraping the silos: all real processes on 127.0.0.1
/// and free ports, under one temporary directory. Disposing stops every process (SIGKILL to its process tree), prints
/// their logs to the test output and deletes the directory, also when a start fails half way. Settings given to the
/// cluster (e.g. <c>Tls:*</c>) go to every silo, and to np as <c>NP_</c> environment variables.
/// </summary>
sealed class Cluster : IAsyncDisposable
{
    static readonly TimeSpan SiloStartTimeout = TimeSpan.FromSeconds(120);

    readonly List<IAsyncDisposable> started = [];
    readonly List<ChildProcess> processes = [];

    public Timeline Timeline { get; }
    public string Directory { get; }
    public RedisServer Redis { get; private set; } = null!;
    public IReadOnlyList<SiloNode> Silos => silos;
    readonly List<SiloNode> silos = [];
    public PrometheusServer? Prometheus { get; private set; }
    /// <summary>np's <c>--cluster</c> value for this cluster.</summary>
    public string Address => $"redis:{Redis.ConnectionString}";
    /// <summary>The settings every silo and np of this cluster have besides their defaults.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }
    IReadOnlyDictionary<string, string> NpEnvironment => Environment(Settings);

    Cluster(Timeline timeline, IReadOnlyDictionary<string, string> settings)
    {
        (Timeline, Settings) = (timeline, settings);
        Directory = System.IO.Directory.CreateTempSubdirectory("np-e2e-").FullName;
    }

    public static async Task<Cluster> StartAsync(Timeline timeline, bool prometheus, int silos = 2, bool appendOnly = false,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = new Cluster(timeline, settings ?? new Dictionary<string, string>());
        try
        {
            await cluster.StartCoreAsync(prometheus, silos, appendOnly);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    async Task StartCoreAsync(bool prometheus, int count, bool appendOnly)
    {
        this.appendOnly = appendOnly;
        Redis = Track(await RedisServer.StartAsync(RedisDirectory, Timeline, appendOnly), r => r.Process);
        // The silos start at once (each joins through the Redis membership table); the first serves the dashboard.
        for (int i = 0; i < count; i++)
            silos.Add(Track(SiloNode.Start($"silo-{(char)('a' + i)}", Redis.ConnectionString, dashboard: i == 0, Timeline, Settings), s => s.Process));
        await Task.WhenAll(Silos.Select(s => s.WaitUntilHealthyAsync(SiloStartTimeout)));
        Timeline.Log($"the {count} silos answer /healthz (active cluster members)");
        if (prometheus)
        {
            Prometheus = Track(await PrometheusServer.StartAsync(Path.Combine(Directory, "prometheus"), Silos.Select(s => s.MetricsTarget), Timeline),
                p => p.Process);
            Timeline.Log($"Prometheus ready on {Prometheus.Url}");
        }
    }

    bool appendOnly;

    string RedisDirectory => System.IO.Directory.CreateDirectory(Path.Combine(Directory, "redis")).FullName;

    /// <summary>Starts a silo in place of <paramref name="dead"/> (a new process on new ports, under a new name) and waits until it is a member.</summary>
    public async Task<SiloNode> ReplaceSiloAsync(SiloNode dead)
    {
        var replacement = Track(SiloNode.Start(dead.Name + "'", Redis.ConnectionString, dashboard: false, Timeline, Settings), s => s.Process);
        silos[silos.IndexOf(dead)] = replacement;
        await replacement.WaitUntilHealthyAsync(SiloStartTimeout);
        return replacement;
    }

    /// <summary>Starts a silo pointed at this cluster with <paramref name="settings"/> over the cluster's, without waiting for it: one that may not join.</summary>
    public SiloNode StartSilo(string name, IReadOnlyDictionary<string, string> settings) =>
        Track(SiloNode.Start(name, Redis.ConnectionString, dashboard: false, Timeline,
            new Dictionary<string, string>(Settings.Concat(settings).GroupBy(kv => kv.Key).Select(g => g.Last()))), s => s.Process);

    /// <summary>Settings as np reads them from its environment: <c>Tls:Enabled</c> as <c>NP_Tls__Enabled</c>.</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string> settings) =>
        settings.ToDictionary(kv => NeuralProgrammer.Silo.SiloHost.EnvironmentPrefix + kv.Key.Replace(":", "__"), kv => kv.Value);

    /// <summary>SIGKILL to Redis, then a new redis-server on the same port and directory (so with its AOF, if it keeps one) after <paramref name="down"/>.</summary>
    public async Task RestartRedisAsync(TimeSpan down)
    {
        await Redis.Process.KillAsync();
        await Task.Delay(down);
        Redis = Track(await RedisServer.StartAsync(RedisDirectory, Timeline, appendOnly, Redis.Port), r => r.Process);
    }

    /// <summary>The silo whose /metrics has the job's np_training_examples_total, which only the job grain records.</summary>
    public async Task<SiloNode> JobSiloAsync(string job)
    {
        SiloNode[] hosts = [];
        await Eventually.TrueAsync(async () =>
        {
            var pages = await Task.WhenAll(Silos.Select(s => s.MetricsAsync()));
            hosts = Silos.Where((_, i) => pages[i].Split('\n').Any(l =>
                l.StartsWith("np_training_examples_total{", StringComparison.Ordinal) && l.Contains($"job=\"{job}\"", StringComparison.Ordinal))).ToArray();
            return hosts.Length > 0;
        }, TimeSpan.FromSeconds(30));
        Assert.True(hosts.Length == 1, $"np_training_examples_total for job {job} should come from exactly one silo, not {hosts.Length}");
        return hosts[0];
    }

    T Track<T>(T item, Func<T, ChildProcess> process) where T : IAsyncDisposable
    {
        started.Add(item);
        processes.Add(process(item));
        return item;
    }

    /// <summary>Runs np to completion in the cluster's directory.</summary>
    public Task<Np.Outcome> NpAsync(TimeSpan timeout, params string[] args) => Np.RunWithAsync(Timeline, Directory, NpEnvironment, timeout, args);

    /// <summary>Starts np in the background; the cluster stops it on dispose if it is still running.</summary>
    public ChildProcess StartNp(params string[] args)
    {
        var np = Np.StartWith(Timeline, Directory, NpEnvironment, args);
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
