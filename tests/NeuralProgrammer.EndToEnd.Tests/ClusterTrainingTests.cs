using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NeuralProgrammer.EndToEnd.Tests;

/// <summary>
/// Issue 6's acceptance tests, with real processes only: Redis, two silos clustered through it, Prometheus and the
/// np console, run as README ("Running a cluster") tells a user to. The tests share nothing and run one at a time.
/// </summary>
public sealed partial class ClusterTrainingTests(ITestOutputHelper output)
{
    const int Workers = 4;
    const int BatchSize = 50; // the demo preset's
    /// <summary>A small model and data set, so that a 2-core machine busy with other tests trains it in seconds per evaluation.</summary>
    static readonly string[] Small = ["--preset", "demo", "--dim", "64", "--train-size", "2000", "--test-size", "200"];
    static readonly TimeSpan TrainTimeout = TimeSpan.FromMinutes(8);
    static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    static readonly string[] NpFamilies =
        ["np_training_examples_total", "np_training_loss", "np_eval_accuracy", "np_step_duration_seconds", "np_gradient_noise_stddev", "np_workers_active",
         "np_parameter_server_bytes_total", "np_parameter_server_update_seconds", "np_worker_compute_seconds", "np_worker_queue_seconds"];

    [Fact]
    public async Task Two_silos_train_a_job_on_four_workers_seen_by_Prometheus_promtool_and_the_dashboard()
    {
        var timeline = new Timeline(output.WriteLine);
        await using var cluster = await Cluster.StartAsync(timeline, prometheus: true);
        var prometheus = cluster.Prometheus!;
        const int steps = 60;
        var job = NewJobId();

        var train = await cluster.NpAsync(TrainTimeout,
            ["train", "--cluster", cluster.Address, "--workers", $"{Workers}", "--job-id", job, "--steps", $"{steps}", "--eval-every", "20",
             "--out", Path.Combine(cluster.Directory, "train"), .. Small]);
        timeline.Log($"np train ended: exit {train.ExitCode}");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains($"job {job} on cluster {cluster.Address}, {Workers} workers", train.Output);
        var accuracy = AccuracyLine().Match(train.Output);
        Assert.True(accuracy.Success, "np train printed no accuracy:\n" + train);

        // np status: completed, and the workers ran on both silos.
        var status = await StatusAsync(cluster, job);
        Assert.Equal(("completed", steps), (status.State, status.Update));
        Assert.True(cluster.Silos.All(s => status.Silos.Any(s.Is)),
            $"the workers ran on {string.Join(", ", status.Silos)}; the silos are {Describe(cluster.Silos)}\n{status.Output}");

        // np result: result.json with every update and the accuracy np train printed.
        var resultDirectory = Path.Combine(cluster.Directory, "result");
        var result = await cluster.NpAsync(CommandTimeout, "result", job, "--cluster", cluster.Address, "--out", resultDirectory);
        Assert.True(result.ExitCode == 0, result.ToString());
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(resultDirectory, "result.json"))))
        {
            Assert.Equal(steps, json.RootElement.GetProperty("Updates").GetInt64());
            Assert.Equal(steps * BatchSize, json.RootElement.GetProperty("ExamplesSeen").GetInt64());
            var value = json.RootElement.GetProperty("Accuracy").GetDouble();
            Assert.InRange(value, 0, 1);
            Assert.Equal(accuracy.Groups[1].Value, (100 * value).ToString("F2", CultureInfo.InvariantCulture));
        }
        timeline.Log($"job {job} completed with accuracy {accuracy.Groups[1].Value}% on {status.Silos.Count} silos");

        // Prometheus scrapes both silos, and has the job's training examples (all of them once its last scrape is
        // in; honor_labels keeps the job id in the label job) and Orleans' own metrics from both silos.
        IReadOnlyList<(string Instance, string Health, string Error)> targets = [];
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            targets = await prometheus.TargetsAsync();
            return cluster.Silos.All(s => targets.Any(t => t.Instance == s.MetricsTarget && t.Health == "up"));
        }, TimeSpan.FromSeconds(30)), "Prometheus targets: " + string.Join("; ", targets));
        IReadOnlyList<PrometheusServer.Sample> examples = [];
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            examples = await prometheus.QueryAsync($"np_training_examples_total{{job=\"{job}\"}}");
            return examples.Sum(s => s.Value) == steps * BatchSize;
        }, TimeSpan.FromSeconds(30)), $"np_training_examples_total for job {job}: {string.Join("; ", examples)}");
        Assert.All(examples, s => Assert.Contains(cluster.Silos, silo => silo.MetricsTarget == s.Labels["instance"]));
        IReadOnlyList<PrometheusServer.Sample> workerGrains = [];
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            // The most worker activations each silo had while Prometheus watched (idle workers may be collected by now).
            workerGrains = await prometheus.QueryAsync("max_over_time(orleans_grains{grain_type=\"worker\"}[10m])");
            return cluster.Silos.All(silo => workerGrains.Any(s => s.Labels["instance"] == silo.MetricsTarget && s.Value > 0));
        }, TimeSpan.FromSeconds(30)), "orleans_grains{grain_type=\"worker\"} should come from both silos: " + string.Join("; ", workerGrains));
        timeline.Log($"Prometheus: {string.Join("; ", examples)}; {string.Join("; ", workerGrains)}");

        // Each silo's /metrics passes promtool: its np_* families strictly, the whole page with lint findings allowed only
        // on Orleans' own instruments (their names and units come from Orleans). Together the silos export every np_* family.
        var families = new HashSet<string>();
        foreach (var silo in cluster.Silos)
        {
            var metrics = await silo.MetricsAsync();
            families.UnionWith(NpFamilies.Where(f => metrics.Contains($"# TYPE {f} ", StringComparison.Ordinal)));
            var np = await Promtool.CheckMetricsAsync(Promtool.Families(metrics, "np_"));
            Assert.True(np.ExitCode == 0, $"promtool check metrics on {silo.Name}'s np_* families: exit {np.ExitCode}\n{np.Output}\n" +
                Promtool.Families(metrics, "np_"));
            var all = await Promtool.CheckMetricsAsync(metrics);
            Assert.True(all.ExitCode is 0 or 3, $"promtool could not parse {silo.Name}'s /metrics: exit {all.ExitCode}\n{all.Output}");
            var findings = all.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(f => !f.StartsWith("orleans_", StringComparison.Ordinal)).ToList();
            Assert.True(findings.Count == 0, $"promtool findings on {silo.Name}'s /metrics beyond Orleans' own:\n{string.Join('\n', findings)}");
        }
        Assert.Equal(NpFamilies.Order(), families.Order());

        // The dashboard: served by the silo that enables it, and only there.
        using (var dashboard = await Http.Client.GetAsync(cluster.Silos[0].HttpUrl + "/dashboard"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Equal("text/html", dashboard.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<html", await dashboard.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        using (var none = await Http.Client.GetAsync(cluster.Silos[1].HttpUrl + "/dashboard"))
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        timeline.Log("done");
    }

    /// <summary>
    /// A silo dies (SIGKILL: no graceful leave) after the job's first evaluation: either the one hosting the job grain,
    /// its parameter server and shard 0, or the one hosting shard 1 and workers (the job runs on two shards, one per
    /// silo). The job still completes, on the silo that is left, once the other has declared the dead one dead (three
    /// missed probes, 10-15 s): the lost shard's slice exists only in the last checkpoint, so the job resumes from it
    /// (re-activated by np's next Watch call when its own grain died) with both shards on the survivor.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_job_completes_on_the_remaining_silo_when_a_silo_is_killed_mid_job(bool killTheJobsSilo)
    {
        var timeline = new Timeline(output.WriteLine);
        await using var cluster = await Cluster.StartAsync(timeline, prometheus: false);
        const int steps = 320, evaluateEvery = 40;
        var job = NewJobId();

        var train = cluster.StartNp(["train", "--cluster", cluster.Address, "--workers", $"{Workers}", "--shards", "2", "--job-id", job, "--steps", $"{steps}",
            "--eval-every", $"{evaluateEvery}", "--out", Path.Combine(cluster.Directory, "train"), .. Small]);
        // With its output redirected, np train prints a line per evaluation: "update 40/320 loss ... accuracy ...".
        var first = await train.WaitForLineAsync(l => l.TrimStart().StartsWith("update ", StringComparison.Ordinal), TrainTimeout, "the first evaluation");
        timeline.Log($"first evaluation: {first.Trim()}");

        // The job grain's silo is the one that exports the job's training examples (the job counts them as it steps).
        var jobSilo = await cluster.JobSiloAsync(job);
        var victim = killTheJobsSilo ? jobSilo : cluster.Silos.Single(s => s != jobSilo);
        var survivor = cluster.Silos.Single(s => s != victim);
        timeline.Log($"the job runs on {jobSilo.Name}; killing {victim.Name}");
        await victim.Process.KillAsync();
        var killedAt = timeline.Now;

        var exit = await train.WaitForExitAsync(TrainTimeout);
        timeline.Log($"np train ended: exit {exit?.ToString() ?? "none (still running)"}, {(timeline.Now - killedAt).TotalSeconds:F0} s after the kill");
        Assert.True(exit == 0, $"np train: exit {exit?.ToString() ?? "none (still running)"}\n{train.Log()}");
        Assert.Matches(AccuracyLine(), train.Output);

        var status = await StatusAsync(cluster, job);
        timeline.Log($"np status: {status.State}, workers and shards on {string.Join(", ", status.Silos)}, {status.Recovery}");
        Assert.Equal(("completed", steps), (status.State, status.Update));
        Assert.True(status.Silos.Count > 0 && status.Silos.All(survivor.Is),
            $"after the kill the workers and shards should all run on {survivor.Name} (127.0.0.1:{survivor.SiloPort}):\n{status.Output}");
        Assert.Matches(ShardsRow(), status.Output);
        // Either victim held a shard, whose slice only the checkpoint kept: the job must have resumed.
        Assert.True(status.Resumes > 0, $"a shard died with its silo, so the job must have resumed:\n{status.Output}");

        var resultDirectory = Path.Combine(cluster.Directory, "result");
        var result = await cluster.NpAsync(CommandTimeout, "result", job, "--cluster", cluster.Address, "--out", resultDirectory);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(resultDirectory, "result.json")));
        Assert.Equal(steps, json.RootElement.GetProperty("Updates").GetInt64());
        timeline.Log("done");
    }

    static string NewJobId() => $"e2e-{Guid.NewGuid():N}"[..16];

    static string Describe(IEnumerable<SiloNode> silos) => string.Join(", ", silos.Select(s => $"{s.Name} 127.0.0.1:{s.SiloPort}"));

    /// <param name="Silos">Where the workers and parameter-server shards ran at the latest step.</param>
    sealed record JobStatusText(string Output, string State, long Update, IReadOnlyList<string> Silos, int Resumes, int WorkerRetries, string Recovery);

    /// <summary>np status, read from its table (rows "state", "update", "workers", "recovery").</summary>
    async Task<JobStatusText> StatusAsync(Cluster cluster, string job)
    {
        var status = await cluster.NpAsync(CommandTimeout, "status", job, "--cluster", cluster.Address);
        Assert.True(status.ExitCode == 0, status.ToString());
        var text = status.Output;
        var state = StateRow().Match(text);
        var update = UpdateRow().Match(text);
        var recovery = RecoveryRow().Match(text);
        Assert.True(state.Success && update.Success && recovery.Success, "np status printed no state, update or recovery:\n" + text);
        // Silo addresses (S127.0.0.1:port:generation) appear only in the workers and parameter-server rows; they contain no spaces, so a wrapped cell keeps them whole.
        var silos = SiloAddress().Matches(text).Select(m => m.Value).Distinct().ToList();
        return new JobStatusText(text, state.Groups[1].Value, long.Parse(update.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
            silos, int.Parse(recovery.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(recovery.Groups[2].Value, CultureInfo.InvariantCulture),
            recovery.Value);
    }

    [GeneratedRegex(@"accuracy: (\d+\.\d\d)%")]
    private static partial Regex AccuracyLine();

    [GeneratedRegex(@"S127\.0\.0\.1:\d+:\d+")]
    private static partial Regex SiloAddress();

    [GeneratedRegex(@"[│|]\s*state\s*[│|]\s*([a-z]+)")]
    private static partial Regex StateRow();

    [GeneratedRegex(@"[│|]\s*update\s*[│|]\s*([\d,]+)\s*/")]
    private static partial Regex UpdateRow();

    [GeneratedRegex(@"[│|]\s*parameter server\s*[│|]\s*2 shards on ")]
    private static partial Regex ShardsRow();

    [GeneratedRegex(@"(\d+) resumes, (\d+) worker retries")]
    private static partial Regex RecoveryRow();
}
