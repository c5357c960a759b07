using System.Globalization;
using System.Text;
using System.Text.Json;
using NeuralProgrammer.Client;
using NeuralProgrammer.Grains;

namespace NeuralProgrammer.EndToEnd.Tests;

/// <summary>
/// Issue 22's fault and load catalogue, on demand (scripts/faults.sh; too long for CI): Redis with an append-only file,
/// three silos, Prometheus and the np console as real processes, each fault injected into a running job or sweep at
/// the demo preset's size (d = 256), and what it cost — recovery time, updates redone, results lost, final state —
/// printed as a table (and written to <c>NP_FAULTS_OUT</c>). Progress and status latency are read through an Orleans
/// client in this process (<see cref="ProgressProbe"/>); everything else goes through np as a user runs it.
/// </summary>
public sealed class FaultCatalogueTests(ITestOutputHelper output)
{
    const int Steps = 600, EvaluateEvery = 100, KillAt = 250, Workers = 3;
    static readonly string[] Demo = ["--preset", "demo", "--test-size", "200"];
    static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(8);

    sealed record Row(string Fault, string Recovery, string Redone, string Lost, string Final);

    readonly List<Row> rows = [];
    /// <summary>The replacement of the silo a fault killed, which the next fault waits for: each starts on three silos.</summary>
    Task replacing = Task.CompletedTask;

    [OnDemandFact]
    public async Task Faults_and_load_on_three_silos()
    {
        var timeline = new Timeline(output.WriteLine);
        // NP_FAULTS_ONLY=load, =sweep, =tls or =aof runs the load, the sweep faults, the TLS refusals or the Redis restart
        // without persistence alone (after a change only they exercise).
        var only = Environment.GetEnvironmentVariable("NP_FAULTS_ONLY") is { Length: > 0 } named ? named : null;
        if (only is not ("tls" or "aof")) await OnThreeSilos(timeline, only);
        if (only is null or "tls") await WithTls(timeline);
        if (only is null or "aof") await RedisWithoutPersistence(timeline);

        output.WriteLine(Table(rows));
        Assert.All(rows, r => Assert.DoesNotContain("FAILED", r.Final));
    }

    async Task OnThreeSilos(Timeline timeline, string? only)
    {
        await using var cluster = await Cluster.StartAsync(timeline, prometheus: true, silos: 3, appendOnly: true);
        await using var session = await ClusterSession.Connect(cluster.Address, CancellationToken.None);

        bool faults = only is null;
        foreach (var which in faults ? new[] { "the job grain's silo", "a worker silo", "the other worker silo" } : [])
            await DuringJob(cluster, session, $"kill -9 {which} during a job", async (job, _) =>
            {
                var jobSilo = await cluster.JobSiloAsync(job);
                var others = cluster.Silos.Where(s => s != jobSilo).ToList();
                var victim = which == "the job grain's silo" ? jobSilo : which == "a worker silo" ? others[0] : others[1];
                await victim.Process.KillAsync();
                replacing = cluster.ReplaceSiloAsync(victim);
                return null;
            });
        if (faults || only == "sweep")
            foreach (var sweepSilo in new[] { true, false })
                await DuringSweep(cluster, session, sweepSilo);
        if (faults)
        {
            await DuringJob(cluster, session, "Redis killed and restarted 2 s later (AOF, everysec)", async (_, _) =>
            {
                await cluster.RestartRedisAsync(TimeSpan.FromSeconds(2));
                return null;
            });
            var completed = await DuringJob(cluster, session, "np train killed, re-attached with np watch", async (job, train) =>
            {
                await train.KillAsync();
                var watch = cluster.StartNp("watch", job, "--cluster", cluster.Address);
                await watch.WaitForLineAsync(l => l.Contains("update", StringComparison.Ordinal), TimeSpan.FromMinutes(1), "its first progress line");
                return watch;
            });
            await replacing;
            await NamedErrors(cluster, completed);
        }
        if (faults || only == "load") await Load(cluster, session);
    }

    /// <summary>
    /// The wrong TLS certificate, on a cluster of its own whose three silos and np share one certificate: np, then a
    /// silo, given another certificate while a job trains. Each must be refused with its named error, the silo must not
    /// join, and the job must not notice.
    /// </summary>
    async Task WithTls(Timeline timeline)
    {
        using var certificates = new TestCertificates();
        var tls = TestCertificates.Settings(certificates.Make("np-cluster", "s3cret"), "s3cret");
        var stranger = TestCertificates.Settings(certificates.Make("stranger", "other"), "other");
        await using var cluster = await Cluster.StartAsync(timeline, prometheus: false, silos: 3, appendOnly: true, tls);
        await using var session = await ClusterSession.Connect(cluster.Address, CancellationToken.None, tls.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));

        (string Took, string Error) refusal = ("", "");
        await DuringJob(cluster, session, "np with the wrong TLS certificate (`np list`)", async (_, _) =>
        {
            var started = cluster.Timeline.Now;
            await using var np = Np.StartWith(cluster.Timeline, cluster.Directory, Cluster.Environment(stranger), "list", "--cluster", cluster.Address);
            var exit = await np.WaitForExitAsync(TimeSpan.FromMinutes(2));
            refusal = (Seconds(cluster.Timeline.Now - started), $"np exit {exit?.ToString() ?? "none"}: {NamedError(np.Output)}");
            return null;
        }, () => refusal);
        await DuringJob(cluster, session, "silo with the wrong TLS certificate started into the cluster", async (_, _) =>
        {
            var started = cluster.Timeline.Now;
            var silo = cluster.StartSilo("silo-stranger", stranger);
            var exit = await silo.Process.WaitForExitAsync(TimeSpan.FromMinutes(6));
            var took = cluster.Timeline.Now - started;
            var hosts = await session.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            var joined = hosts.Keys.Any(a => silo.Is(a.ToString()));
            refusal = (Seconds(took), $"silo exit {exit?.ToString() ?? "none"}: {NamedError(silo.Process.Output)}; " +
                $"{(joined ? "FAILED: it joined" : "it never joined")}, {hosts.Count} active silos");
            return null;
        }, () => refusal);
    }

    /// <summary>
    /// What README says happens without Redis persistence, measured: on a cluster of its own whose Redis keeps no AOF
    /// and no snapshot, Redis is killed and restarted empty while a job trains. A figure, not an assertion: the row
    /// records how np train ended, what np status then answers, and which silos are left.
    /// </summary>
    async Task RedisWithoutPersistence(Timeline timeline)
    {
        const string fault = "Redis killed, restarted 2 s later without persistence (no AOF, no snapshot)";
        await using var cluster = await Cluster.StartAsync(timeline, prometheus: false, silos: 3, appendOnly: false);
        await using var session = await ClusterSession.Connect(cluster.Address, CancellationToken.None);
        var job = $"fault-{Guid.NewGuid():N}"[..14];
        var train = cluster.StartNp(["train", "--cluster", cluster.Address, "--job-id", job, "--workers", $"{Workers}", "--steps", $"{Steps}",
            "--eval-every", $"{EvaluateEvery}", "--out", Path.Combine(cluster.Directory, job), .. Demo]);
        try
        {
            await using (var probe = ProgressProbe.ForJob(session.Grains, job))
                await probe.WaitFor(s => s.Update >= KillAt, RunTimeout, $"update {KillAt}");
            var injected = cluster.Timeline.Now;
            await cluster.RestartRedisAsync(TimeSpan.FromSeconds(2));
            var exit = await train.WaitForExitAsync(TimeSpan.FromMinutes(5));
            var ended = cluster.Timeline.Now - injected;
            var status = await cluster.NpAsync(TimeSpan.FromMinutes(2), "status", job, "--cluster", cluster.Address);
            var left = cluster.Silos.Count(s => !s.Process.HasExited);
            Add(new Row(fault, exit is null ? "np train still following after 5 min" : $"np train ended after {Seconds(ended)}", "–",
                status.ExitCode == 0 ? "none" : "the job",
                $"np train exit {exit?.ToString() ?? "none"}: {NamedError(train.Output)}; np status exit {status.ExitCode}: " +
                $"{(status.ExitCode == 0 ? status.Output.Split('\n').FirstOrDefault() : NamedError(status.Output))}; {left}/3 silo processes still running"));
        }
        catch (Exception e)
        {
            Add(new Row(fault, "", "", "", $"FAILED: {e.Message}"));
        }
    }

    /// <summary>The first line of a process's output that is its named error.</summary>
    static string NamedError(string output) =>
        output.Split('\n').FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal)) ?? "(no error line)";

    /// <summary>Keeps a row and rewrites the table file at once, so that a run stopped half way still shows what it measured.</summary>
    void Add(Row row)
    {
        rows.Add(row);
        if (Environment.GetEnvironmentVariable("NP_FAULTS_OUT") is { Length: > 0 } file) File.WriteAllText(file, Table(rows));
    }

    /// <summary>
    /// Trains a demo-size job on three workers with np train, injects the fault once it passed update 250 (after its
    /// checkpoint at 200), and measures: the time until it passes the update it had at the fault, the updates it
    /// trains twice (from its last checkpoint on, when it resumed), the evaluations missing from its result, its end.
    /// <paramref name="inject"/> may return the process that follows the job from then on (np watch). For a fault that
    /// must be refused, <paramref name="refused"/> gives the time to its refusal and its named error, which the row shows.
    /// </summary>
    async Task<string> DuringJob(Cluster cluster, ClusterSession session, string fault, Func<string, ChildProcess, Task<ChildProcess?>> inject,
        Func<(string Took, string Error)>? refused = null)
    {
        await replacing;
        var job = $"fault-{Guid.NewGuid():N}"[..14];
        var follower = cluster.StartNp(["train", "--cluster", cluster.Address, "--job-id", job, "--workers", $"{Workers}", "--steps", $"{Steps}",
            "--eval-every", $"{EvaluateEvery}", "--out", Path.Combine(cluster.Directory, job), .. Demo]);
        await using var probe = ProgressProbe.ForJob(session.Grains, job);
        try
        {
            var before = await probe.WaitFor(s => s.Update >= KillAt, RunTimeout, $"update {KillAt}");
            var at = probe.Last!;
            var injected = probe.Now;
            cluster.Timeline.Log($"{fault}: job {job} at update {at.Update}");
            follower = await inject(job, follower) ?? follower;
            var back = await probe.WaitFor(s => s.At > injected && s.Update > at.Update, RunTimeout, $"an update past {at.Update}");
            var exit = await follower.WaitForExitAsync(RunTimeout);
            var after = probe.Last!;
            long redone = Redone(at.Update, probe.Since(injected));
            var result = await session.Grains.GetGrain<ITrainingJobGrain>(job).GetResult();
            int lost = Steps / EvaluateEvery - result.Curve.Length + (result.Updates == Steps ? 0 : 1);
            var end = $"{after.State.ToLowerInvariant()} ({result.Updates} updates), {follower.Name} exit {exit?.ToString() ?? "none"}, {after.Resumes - before.Resumes} resumes";
            if (refused?.Invoke() is var (took, error))
                Add(new Row(fault, $"refused after {took}", $"{redone}", lost == 0 ? "none" : $"{lost} evaluations", $"{error}; the job: {end}"));
            else
                Add(new Row(fault, Seconds(back.At - injected), $"{redone}", lost == 0 ? "none" : $"{lost} evaluations", end));
        }
        catch (Exception e)
        {
            Add(new Row(fault, "", "", "", $"FAILED: {e.Message}"));
        }
        return job;
    }

    /// <summary>A small sweep (two demo-size trials of 300 updates at once) whose grain's silo, or another, is killed once its trials trained 250 updates.</summary>
    async Task DuringSweep(Cluster cluster, ClusterSession session, bool killTheSweepsSilo)
    {
        var fault = $"kill -9 {(killTheSweepsSilo ? "the sweep grain's silo" : "a silo without the sweep grain")} during a sweep";
        await replacing;
        var sweep = $"sweep-{Guid.NewGuid():N}"[..14];
        var spec = Path.Combine(cluster.Directory, sweep + ".json");
        await File.WriteAllTextAsync(spec, """
            { "Base": { "Preset": "demo", "Steps": 300, "EvaluateEvery": 100, "TestExamples": 200 },
              "Space": [ { "Name": "HyperParameters.LearningRate", "Values": [0.001, 0.003] } ], "Seeds": [1], "Concurrency": 2 }
            """);
        var np = cluster.StartNp("sweep", "--spec", spec, "--cluster", cluster.Address, "--id", sweep, "--out", Path.Combine(cluster.Directory, sweep));
        await using var probe = ProgressProbe.ForSweep(session.Grains, sweep);
        try
        {
            var before = await probe.WaitFor(s => s.Update >= KillAt, RunTimeout, $"{KillAt} updates over its trials");
            var at = probe.Last!;
            var silo = at.LastRecovery!; // the sweep's status names its silo there
            var victim = killTheSweepsSilo ? cluster.Silos.Single(s => s.Is(silo)) : cluster.Silos.First(s => !s.Is(silo));
            var injected = probe.Now;
            cluster.Timeline.Log($"{fault}: sweep {sweep} at {at.Update} updates, on {silo}; killing {victim.Name}");
            await victim.Process.KillAsync();
            replacing = cluster.ReplaceSiloAsync(victim);
            var back = await probe.WaitFor(s => s.At > injected && s.Update > at.Update, RunTimeout, $"more than {at.Update} updates");
            var exit = await np.WaitForExitAsync(RunTimeout);
            var results = await session.Grains.GetGrain<ISweepGrain>(sweep).GetResults();
            int lost = results.Trials.Count(t => t.State != TrialState.Completed || t.Curve.Length != 3);
            Add(new Row(fault, Seconds(back.At - injected), $"{Redone(at.Update, probe.Since(injected))}", lost == 0 ? "none" : $"{lost} trials",
                $"{results.Status.State.ToString().ToLowerInvariant()} ({results.Status.Completed}/{results.Status.Trials} trials), np sweep exit {exit?.ToString() ?? "none"}, " +
                $"{results.Status.Resumes} sweep resumes"));
        }
        catch (Exception e)
        {
            Add(new Row(fault, "", "", "", $"FAILED: {e.Message}"));
        }
    }

    /// <summary>Faults that must end in a named error within a bounded time, and leave nothing half-written.</summary>
    async Task NamedErrors(Cluster cluster, string job)
    {
        await Refused(cluster, "client with the wrong cluster id", new() { ["NP_Cluster__ClusterId"] = "not-this-one" }, "list", "--cluster", cluster.Address);

        var saved = Path.Combine(cluster.Directory, "saved");
        var result = await cluster.NpAsync(TimeSpan.FromMinutes(2), "result", job, "--cluster", cluster.Address, "--out", saved);
        Assert.True(result.ExitCode == 0, result.ToString());
        var checkpoint = Path.Combine(saved, "model.ckpt");
        var bytes = await File.ReadAllBytesAsync(checkpoint);
        await File.WriteAllBytesAsync(checkpoint, bytes[..(bytes.Length / 2)]);
        await Refused(cluster, "truncated checkpoint given to np eval", [], "eval", "--model", checkpoint);

        if (Tmpfs.Unavailable is { } reason)
        {
            Add(new Row("results folder unwritable; disk that fills", "", "", "", $"not run: {reason}"));
            return;
        }
        using (var readOnly = Tmpfs.Mount("ro,size=1m"))
            await Refused(cluster, "results folder read-only (np result --out)", [], ["result", job, "--cluster", cluster.Address, "--out", readOnly.Path],
                () => Directory.EnumerateFileSystemEntries(readOnly.Path).Any() ? "files written" : null);
        // 1 MiB takes result.json and curve.png but not the 8.8 MB model.ckpt.
        using var disk = Tmpfs.Mount("size=1m");
        await Refused(cluster, "disk fills while np result writes model.ckpt", [], ["result", job, "--cluster", cluster.Address, "--out", disk.Path],
            () =>
            {
                var files = Directory.EnumerateFileSystemEntries(disk.Path).Select(Path.GetFileName).Order().ToList();
                if (!files.SequenceEqual(["curve.png", "result.json"])) return $"left {string.Join(", ", files)}";
                using var _ = JsonDocument.Parse(File.ReadAllText(Path.Combine(disk.Path, "result.json")));
                return null;
            });
    }

    async Task Refused(Cluster cluster, string fault, Dictionary<string, string> environment, params string[] args) =>
        await Refused(cluster, fault, environment, args, null);

    async Task Refused(Cluster cluster, string fault, Dictionary<string, string> environment, string[] args, Func<string?>? check)
    {
        var started = cluster.Timeline.Now;
        await using var np = Np.StartWith(cluster.Timeline, cluster.Directory, environment, args);
        var exit = await np.WaitForExitAsync(TimeSpan.FromMinutes(2));
        var took = cluster.Timeline.Now - started;
        var error = np.Output.Split('\n').FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal)) ?? "(no error line)";
        var problem = exit is null or 0 ? $"FAILED: exit {exit?.ToString() ?? "none"}" : check?.Invoke() is { } p ? $"FAILED: {p}" : null;
        Add(new Row(fault, $"named error after {Seconds(took)}", "0", "none", problem ?? $"exit {exit}: {error}"));
    }

    /// <summary>20 demo-size jobs (60 updates, one worker each) and 2 sweeps of 2 trials submitted at once; status calls timed throughout.</summary>
    async Task Load(Cluster cluster, ClusterSession session)
    {
        const int jobs = 20, steps = 60;
        var started = cluster.Timeline.Now;
        var ids = Enumerable.Range(0, jobs).Select(i => $"load-{i}-{Guid.NewGuid():N}"[..16]).ToList();
        var sweeps = Enumerable.Range(0, 2).Select(i => $"load-sweep-{i}-{Guid.NewGuid():N}"[..20]).ToList();
        var spec = new JobSpec { Preset = "demo" }.With("Steps", $"{steps}").With("EvaluateEvery", "30").With("TestExamples", "200");
        await Task.WhenAll(ids.Select(id => (Task)session.Grains.GetGrain<ITrainingJobGrain>(id).Start(spec)).Concat(sweeps.Select(id =>
            session.Grains.GetGrain<ISweepGrain>(id).Start(new SweepSpec
            {
                Base = spec,
                Space = [new SweepParameter { Name = "HyperParameters.LearningRate", Values = ["0.001", "0.003"] }],
                Seeds = [1],
                Concurrency = 2,
            }))));
        var probes = ids.Select(id => ProgressProbe.ForJob(session.Grains, id)).Concat(sweeps.Select(id => ProgressProbe.ForSweep(session.Grains, id))).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (DateTime.UtcNow < deadline && !probes.All(p => p.Last?.State is "Completed" or "Failed" or "Cancelled")) await Task.Delay(500);
        var wall = cluster.Timeline.Now - started;
        var unfinished = probes.Select((p, i) => (Id: i < jobs ? ids[i] : sweeps[i - jobs], p.Last))
            .Where(p => p.Last?.State is not ("Completed" or "Failed" or "Cancelled")).ToList();
        foreach (var probe in probes) await probe.DisposeAsync();
        var latencies = probes.SelectMany(p => p.LatenciesMs).Order().ToList();
        if (unfinished.Count > 0)
        {
            Add(new Row($"load: {jobs} jobs + 2 sweeps (4 trials) at once", "", "", "",
                $"FAILED: {unfinished.Count} not ended after {Seconds(wall)} ({string.Join(", ", unfinished.Select(u => $"{u.Id} at {u.Last?.Update}"))}); " +
                $"status calls p50 {Percentile(latencies, 0.5):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms"));
            return;
        }
        var results = await Task.WhenAll(ids.Select(id => session.Grains.GetGrain<ITrainingJobGrain>(id).GetResult()));
        var sweepResults = await Task.WhenAll(sweeps.Select(id => session.Grains.GetGrain<ISweepGrain>(id).GetResults()));
        int complete = results.Count(r => r.Updates == steps && r.Curve.Length == 2) + sweepResults.Sum(r => r.Trials.Count(t => t.State == TrialState.Completed));
        int resumes = results.Sum(r => r.Resumes) + sweepResults.Sum(r => r.Status.Resumes);
        var healthy = await Task.WhenAll(cluster.Silos.Select(async s => (await Http.Client.GetAsync(s.HttpUrl + "/healthz")).IsSuccessStatusCode));
        Add(new Row($"load: {jobs} jobs + 2 sweeps (4 trials) at once", $"all ended after {Seconds(wall)}", $"{resumes} resumes",
            $"{jobs + 4 - complete} of {jobs + 4} results",
            $"status calls p50 {Percentile(latencies, 0.5):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms ({latencies.Count} calls, {probes.Sum(p => p.Unanswered)} unanswered); " +
            $"{healthy.Count(h => h)}/3 silos healthy"));
    }

    /// <summary>
    /// Updates trained twice: each time the progress goes back (a resume from the last checkpoint), the drop from the
    /// highest update reached before it. Sampled every 100 ms, so a drop can be undercounted by the updates of 100 ms.
    /// </summary>
    static long Redone(long at, IReadOnlyList<ProgressProbe.Sample> samples)
    {
        long redone = 0, high = at, previous = at;
        foreach (var s in samples)
        {
            if (s.Update < previous)
            {
                redone += high - s.Update;
                high = s.Update;
            }
            high = Math.Max(high, s.Update);
            previous = s.Update;
        }
        return redone;
    }

    static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    static string Seconds(TimeSpan time) => $"{time.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s";

    static string Table(IEnumerable<Row> rows)
    {
        var text = new StringBuilder("| fault | recovery time | updates redone | results lost | final state |\n|---|---|---:|---|---|\n");
        foreach (var r in rows) text.AppendLine($"| {r.Fault} | {r.Recovery} | {r.Redone} | {r.Lost} | {r.Final.Replace("|", "\\|")} |");
        return text.ToString();
    }
}
