using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using NeuralProgrammer.Silo;

namespace NeuralProgrammer.Deployment.Tests;

/// <summary>
/// Issue 23: the images built for real (deploy/images/build.sh: no registry needed) and docker-compose.yml run with
/// docker-compose.loopback.yml on top: Redis, three silos and Prometheus on the host's loopback network, np train as
/// a one-off container, the job's silo killed mid-job with docker kill, and nothing left after docker-compose down.
/// </summary>
public sealed partial class ContainerStackTests(ITestOutputHelper output)
{
    const string Redis = "redis:127.0.0.1:26379";
    const string PrometheusUrl = "http://127.0.0.1:29090";
    static readonly string[] Silos = ["silo1", "silo2", "silo3"];
    /// <summary>Silo N's HTTP, silo-to-silo and gateway ports in docker-compose.loopback.yml.</summary>
    static (int Http, int Silo, int Gateway) PortsOf(string silo)
    {
        var n = silo[^1] - '0';
        return (28080 + n, 21110 + n, 23000 + n);
    }

    /// <summary>
    /// The demo preset (its model, data and hyperparameters) on 4 workers, cut from 2,000 updates to 200 with a smaller
    /// test set, so that the run, a kill and the recovery fit CI's time: the whole preset took 7.5 minutes through the
    /// stack on the 2-core machine while other work ran on it.
    /// </summary>
    const int Steps = 200, EvaluateEvery = 50;
    static readonly string[] Training = ["--preset", "demo", "--workers", "4", "--steps", $"{Steps}", "--eval-every", $"{EvaluateEvery}", "--test-size", "200"];

    [DockerFact]
    public async Task The_compose_stack_trains_a_job_seen_by_Prometheus_that_survives_the_kill_of_its_silo_and_leaves_nothing()
    {
        Docker.AssertAvailable();
        var timeline = new Timeline(output.WriteLine);

        await Images.BuildAsync(timeline);
        var stackStart = timeline.Now;

        var used = AllPorts().Where(InUse).ToList();
        Assert.True(used.Count == 0, $"docker-compose.loopback.yml needs 127.0.0.1 ports {string.Join(", ", used)}, which are in use");

        await using var stack = new ComposeStack(timeline);
        await stack.ComposeAsync(TimeSpan.FromMinutes(3), "up", "-d", "redis", "silo1", "silo2", "silo3", "prometheus");
        foreach (var silo in Silos)
        {
            var (health, body) = await Http.WaitForOkAsync($"{HttpUrl(silo)}{SiloHost.HealthPath}", TimeSpan.FromMinutes(2));
            if (health != HttpStatusCode.OK) Assert.Fail($"{silo} /healthz: {(int)health} {body}\n{await stack.LogsAsync()}");
        }
        var startedIn = timeline.Now - stackStart;
        timeline.Log($"stack up: three silos answer /healthz {startedIn.TotalSeconds:F0} s after docker-compose up");

        var job = $"compose-{Guid.NewGuid():N}"[..16];
        var jobStart = timeline.Now;
        await using var train = stack.Np(["train", "--cluster", Redis, "--job-id", job, "--out", "/data/checkpoints/train", .. Training]);
        var first = await train.WaitForLineAsync(l => l.TrimStart().StartsWith("update ", StringComparison.Ordinal), TimeSpan.FromMinutes(4), "the first evaluation");
        timeline.Log($"first evaluation: {first.Trim()}");

        // Prometheus has the training metrics of the silos that run the job's workers (as their own /metrics show
        // them) and Orleans' metrics from all three silos.
        var workerSilos = await WorkerSilosAsync(job);
        Assert.NotEmpty(workerSilos);
        IReadOnlyList<Sample> workers = [], orleans = [];
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            workers = await QueryAsync($"max_over_time(np_workers_active{{job=\"{job}\"}}[10m]) > 0");
            return workerSilos.All(s => workers.Any(w => w.Labels["service"] == s));
        }, TimeSpan.FromSeconds(30)), $"np_workers_active for {job} should come from {string.Join(", ", workerSilos)}: {string.Join("; ", workers)}");
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            orleans = await QueryAsync("count by (service) ({__name__=~\"orleans_.+\"})");
            return Silos.All(s => orleans.Any(o => o.Labels["service"] == s));
        }, TimeSpan.FromSeconds(30)), $"Orleans metrics should come from all three silos: {string.Join("; ", orleans)}");
        timeline.Log($"Prometheus: workers on {string.Join(", ", workerSilos)}; Orleans metrics from {string.Join(", ", orleans.Select(o => o.Labels["service"]))}");

        // docker kill: SIGKILL to the container of the silo that holds the job grain (it alone counts the job's examples).
        // Its restart policy (unless-stopped) is lifted first, so that the silo stays dead and the job has to finish
        // on the other two rather than on the same silo restarted.
        var jobSilo = await JobSiloAsync(job);
        var container = await stack.ContainerAsync(jobSilo);
        Assert.Equal(0, (await RunAsync(timeline, "docker update", "docker", ["update", "--restart=no", container], TimeSpan.FromSeconds(30))).ExitCode);
        var killedAt = timeline.Now;
        Assert.Equal(0, (await RunAsync(timeline, "docker kill", "docker", ["kill", container], TimeSpan.FromSeconds(30))).ExitCode);
        timeline.Log($"killed {jobSilo} ({container[..12]}), which held job {job}");

        var next = await train.WaitForLineAsync(l => l.TrimStart().StartsWith("update ", StringComparison.Ordinal) && l != first,
            TimeSpan.FromMinutes(4), "an evaluation after the kill");
        var recoveredIn = timeline.Now - killedAt;
        timeline.Log($"first evaluation after the kill, {recoveredIn.TotalSeconds:F0} s after it: {next.Trim()}");
        var exit = await train.WaitForExitAsync(TimeSpan.FromMinutes(6));
        var jobTime = timeline.Now - jobStart;
        if (exit != 0) Assert.Fail($"np train: exit {exit?.ToString() ?? "none (still running)"}\n{train.Log()}\n{await stack.LogsAsync()}");
        Assert.Matches(AccuracyLine(), train.Output);
        using (var result = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(stack.Checkpoints, "train", "result.json"))))
            Assert.Equal(Steps, result.RootElement.GetProperty("Updates").GetInt64());

        // The kill hit the running job: it shows its recovery (resumed from a checkpoint, or workers retried).
        var status = await stack.NpToEndAsync(["status", job, "--cluster", Redis]);
        var recovery = RecoveryRow().Match(status);
        Assert.True(recovery.Success && int.Parse(recovery.Groups[1].Value, CultureInfo.InvariantCulture) + int.Parse(recovery.Groups[2].Value, CultureInfo.InvariantCulture) > 0,
            $"np status should show the job's recovery:\n{status}");
        var killed = await RunAsync(timeline, "docker inspect", "docker", ["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", container], TimeSpan.FromSeconds(30));
        Assert.Equal("exited 137", killed.Output.Trim());
        timeline.Log($"job completed: {Steps} updates in {jobTime.TotalSeconds:F0} s, {(timeline.Now - killedAt).TotalSeconds:F0} s after the kill; {recovery.Value}");

        await stack.DownAsync();
        Assert.Empty(await stack.LeftoversAsync());
        timeline.Log($"figures: images {Images.Took.TotalSeconds:F0} s (deploy/images/build.sh, in this test run), stack start {startedIn.TotalSeconds:F0} s, job {jobTime.TotalSeconds:F0} s, " +
                     $"recovery (kill to next evaluation) {recoveredIn.TotalSeconds:F0} s, from docker-compose up to down {(timeline.Now - stackStart).TotalSeconds:F0} s");
    }

    /// <summary>
    /// No cluster runs here, so k8s/ is checked against the image the test built: its name, the entrypoint each
    /// container relies on, ports, environment, user, the writable places a read-only root filesystem needs, and the
    /// silo run with the pod's security context answering the probes' path.
    /// </summary>
    [DockerFact]
    public async Task The_Kubernetes_containers_agree_with_the_built_image()
    {
        Docker.AssertAvailable();
        var timeline = new Timeline(output.WriteLine);
        await Images.BuildAsync(timeline);
        var inspect = await RunAsync(timeline, "docker image inspect", "docker", ["image", "inspect", Images.App], TimeSpan.FromSeconds(30));
        Assert.True(inspect.ExitCode == 0, inspect.Output);
        using var document = JsonDocument.Parse(inspect.Output);
        var config = document.RootElement[0].GetProperty("Config");
        string[] Strings(string name) => config.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
        var env = Strings("Env").Select(e => e.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        var workingDirectory = config.GetProperty("WorkingDir").GetString()!;

        var ours = Manifests.Containers.Where(c => c.Container.Str("image")!.StartsWith("neural-programmer/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ours);
        foreach (var (owner, container) in ours)
        {
            Assert.Equal(Images.App, container.Str("image"));
            // The user: the image's, which the pod names too (runAsNonRoot needs it numeric).
            var pod = owner.Doc.Map("spec.template.spec");
            Assert.Equal(config.GetProperty("User").GetString(), $"{pod.Str("securityContext.runAsUser")}:{pod.Str("securityContext.runAsGroup")}");
            // Under a read-only root filesystem, the places the image writes to are mounted.
            if (container.Str("securityContext.readOnlyRootFilesystem") == "true")
            {
                var mounts = container.Maps("volumeMounts").Select(m => m.Str("mountPath")).ToList();
                foreach (var writable in new[] { env["HOME"], env["TMPDIR"], workingDirectory })
                    Assert.True(mounts.Contains(writable), $"{owner}: {writable} is not writable under readOnlyRootFilesystem (mounts: {string.Join(", ", mounts)})");
            }
        }

        // Entrypoints: the Deployment relies on the image's (the silo); the Job names np, which is on the image's PATH.
        Assert.Equal(["NeuralProgrammer.Silo"], Strings("Entrypoint"));
        Assert.Null(Silo.At("command"));
        foreach (var (owner, container) in ours.Where(c => c.Owner.Kind == "Job"))
        {
            var command = container.List("command").Select(c => c!.ToString()!).ToArray();
            Assert.Equal(["np"], command);
            var help = await RunAsync(timeline, "np --help", "docker", ["run", "--rm", "--user", config.GetProperty("User").GetString()!, "--read-only",
                "--tmpfs", "/tmp", "--entrypoint", command[0], Images.App, container.List("args")[0]!.ToString()!, "--help"], TimeSpan.FromMinutes(1));
            Assert.True(help.ExitCode == 0, $"{owner}: {string.Join(' ', command)} {container.List("args")[0]} --help in the image:\n{help.Output}");
        }

        // Ports and the environment that sets them.
        var ports = Silo.Maps("ports").ToDictionary(p => p.Str("name")!, p => p.Str("containerPort")!);
        Assert.Equal(ports.Values.Select(p => $"{p}/tcp").Order(), config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(ports["http"], env["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal(ports["silo"], env["NP_Silo__SiloPort"]);
        Assert.Equal(ports["gateway"], env["NP_Silo__GatewayPort"]);
        foreach (var name in new[] { "ASPNETCORE_HTTP_PORTS", "NP_Silo__SiloPort", "NP_Silo__GatewayPort", "NP_Silo__ListenAddress" })
            Assert.Equal(env[name], Manifests.Value(Silo, name));

        // The silo in the image as the pod runs it: its user, read-only root, /tmp and the checkpoints as the emptyDirs,
        // no capabilities. Loopback ports of its own; a single silo, since the Kubernetes API is not here.
        var free = Ports.Free(3);
        var started = await RunAsync(timeline, "docker run silo", "docker",
        [
            "run", "-d", "--network", "host", "--user", config.GetProperty("User").GetString()!, "--read-only", "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--tmpfs", "/tmp", "--tmpfs", "/data/checkpoints",
            "-e", $"ASPNETCORE_URLS=http://127.0.0.1:{free[0]}", "-e", "NP_Silo__ListenAddress=127.0.0.1",
            "-e", $"NP_Silo__SiloPort={free[1]}", "-e", $"NP_Silo__GatewayPort={free[2]}", Images.App,
        ], TimeSpan.FromMinutes(1));
        Assert.True(started.ExitCode == 0, started.Output);
        var siloContainer = started.Output.Trim().Split('\n')[^1];
        try
        {
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                var (health, body) = await Http.WaitForOkAsync($"http://127.0.0.1:{free[0]}{Silo.Str($"{probe}.httpGet.path")}", TimeSpan.FromMinutes(1));
                if (health != HttpStatusCode.OK)
                    Assert.Fail($"{probe}: {(int)health} {body}\n{(await RunAsync(timeline, "docker logs", "docker", ["logs", siloContainer], TimeSpan.FromSeconds(30))).Output}");
            }
            // The image's HEALTHCHECK command, as Docker runs it in the container.
            var check = await RunAsync(timeline, "healthcheck", "docker", ["exec", siloContainer, .. config.GetProperty("Healthcheck").GetProperty("Test").EnumerateArray().Skip(1).Select(e => e.GetString()!)], TimeSpan.FromSeconds(30));
            Assert.True(check.ExitCode == 0, check.Output);
        }
        finally
        {
            await RunAsync(timeline, "docker rm", "docker", ["rm", "-f", siloContainer], TimeSpan.FromSeconds(30));
        }
    }

    static Dictionary<string, object?> Silo => Manifests.SiloContainer;

    static string HttpUrl(string silo) => $"http://127.0.0.1:{PortsOf(silo).Http}";

    static IEnumerable<int> AllPorts() =>
        new[] { 26379, 29090 }.Concat(Silos.SelectMany(s => new[] { PortsOf(s).Http, PortsOf(s).Silo, PortsOf(s).Gateway }));

    static bool InUse(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    static async Task<string[]> MetricsPagesAsync() => await Task.WhenAll(Silos.Select(s => Http.Client.GetStringAsync($"{HttpUrl(s)}{SiloHost.MetricsPath}")));

    static bool HasSample(string page, string metric, string job, Func<double, bool> value) =>
        page.Split('\n').Any(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains($"job=\"{job}\"", StringComparison.Ordinal)
                                  && value(double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)));

    /// <summary>The silos whose /metrics show workers of the job.</summary>
    static async Task<List<string>> WorkerSilosAsync(string job)
    {
        var pages = await MetricsPagesAsync();
        return Silos.Where((_, i) => HasSample(pages[i], "np_workers_active", job, v => v > 0)).ToList();
    }

    /// <summary>The silo whose /metrics has the job's np_training_examples_total, which only the job grain records.</summary>
    static async Task<string> JobSiloAsync(string job)
    {
        var pages = await MetricsPagesAsync();
        var hosts = Silos.Where((_, i) => HasSample(pages[i], "np_training_examples_total", job, _ => true)).ToList();
        Assert.True(hosts.Count == 1, $"np_training_examples_total for job {job} should come from exactly one silo, not {hosts.Count}");
        return hosts[0];
    }

    sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public override string ToString() => $"{{{string.Join(", ", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value}";
    }

    static async Task<IReadOnlyList<Sample>> QueryAsync(string promql)
    {
        var json = await Http.Client.GetStringAsync($"{PrometheusUrl}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var document = JsonDocument.Parse(json);
        Assert.True(document.RootElement.GetProperty("status").GetString() == "success", $"query {promql}: {json}");
        return document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => new Sample(
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    internal static async Task<(int ExitCode, string Output)> RunAsync(Timeline timeline, string name, string file, string[] args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var process = ChildProcess.Start(name, file, args, timeline, environment, Repo.Root);
        var exit = await process.WaitForExitAsync(timeout);
        Assert.True(exit is not null, $"{name} did not finish within {timeout.TotalSeconds:F0} s:\n{process.Log()}");
        return (exit.Value, process.Output);
    }

    [GeneratedRegex(@"accuracy: (\d+\.\d\d)%")]
    private static partial Regex AccuracyLine();

    [GeneratedRegex(@"(\d+) resumes, (\d+) worker retries")]
    private static partial Regex RecoveryRow();
}

/// <summary>The images deploy/images/build.sh makes, built once per test run (the script skips what is up to date).</summary>
static class Images
{
    public static string App => $"neural-programmer/np:{Dockerfile.Version}";

    static readonly SemaphoreSlim Gate = new(1, 1);
    static bool _built;

    /// <summary>How long deploy/images/build.sh took (2 s when everything was up to date).</summary>
    public static TimeSpan Took { get; private set; }

    public static async Task BuildAsync(Timeline timeline)
    {
        await Gate.WaitAsync();
        try
        {
            if (_built) return;
            var start = timeline.Now;
            var build = await ContainerStackTests.RunAsync(timeline, "build.sh", Repo.Path_("deploy", "images", "build.sh"), [], TimeSpan.FromMinutes(15));
            Assert.True(build.ExitCode == 0, $"deploy/images/build.sh failed:\n{build.Output}");
            timeline.Dump("deploy/images/build.sh", build.Output);
            Took = timeline.Now - start;
            _built = true;
        }
        finally
        {
            Gate.Release();
        }
    }
}

/// <summary>
/// docker-compose.yml with docker-compose.loopback.yml, as a project of its own (a fresh name), np's results in a
/// temporary folder the containers' user can write (NP_CHECKPOINTS); taken down with its volumes on dispose.
/// </summary>
sealed class ComposeStack(Timeline timeline) : IAsyncDisposable
{
    public string Project { get; } = $"np-test-{Guid.NewGuid():N}"[..16];
    public string Checkpoints { get; } = CreateCheckpoints();
    bool _down;

    static string CreateCheckpoints()
    {
        var directory = Directory.CreateTempSubdirectory("np-compose-").FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111); // the containers run as uid 1654
        return directory;
    }

    string[] Arguments(IEnumerable<string> args) =>
        ["-p", Project, "-f", Repo.Path_("docker-compose.yml"), "-f", Repo.Path_("docker-compose.loopback.yml"), .. args];

    Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string> { ["NP_CHECKPOINTS"] = Checkpoints };
        if (System.Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host) environment["DOCKER_HOST"] = host;
        return environment;
    }

    public async Task<string> ComposeAsync(TimeSpan timeout, params string[] args)
    {
        var (exit, text) = await ContainerStackTests.RunAsync(timeline, $"docker-compose {args[0]}", "docker-compose", Arguments(args), timeout, Environment());
        Assert.True(exit == 0, $"docker-compose {string.Join(' ', args)}: exit {exit}\n{text}");
        return text;
    }

    /// <summary>
    /// np in a one-off container of the service client (its entrypoint), output without colours or a terminal.
    /// --no-deps: run would otherwise start the silos it depends on, among them one the test killed.
    /// </summary>
    public ChildProcess Np(string[] args) =>
        ChildProcess.Start($"np {args[0]}", "docker-compose", Arguments(["run", "--rm", "--no-deps", "-T", "-e", "NO_COLOR=1", "client", .. args]), timeline, Environment(), Repo.Root);

    public async Task<string> NpToEndAsync(string[] args)
    {
        await using var np = Np(args);
        var exit = await np.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"np {string.Join(' ', args)}: exit {exit?.ToString() ?? "none (still running)"}\n{np.Log()}");
        return np.Output;
    }

    public async Task<string> ContainerAsync(string service) => (await ComposeAsync(TimeSpan.FromSeconds(30), "ps", "-q", service)).Trim();

    public async Task<string> LogsAsync() => await ComposeAsync(TimeSpan.FromMinutes(1), "logs", "--no-color", "--tail", "80");

    public async Task DownAsync()
    {
        _down = true;
        await ComposeAsync(TimeSpan.FromMinutes(2), "down", "-v", "--remove-orphans", "-t", "5");
    }

    /// <summary>Containers, networks and volumes of this project that Docker still has.</summary>
    public async Task<List<string>> LeftoversAsync()
    {
        var left = new List<string>();
        foreach (var kind in new[] { "container", "network", "volume" })
        {
            var (exit, text) = await ContainerStackTests.RunAsync(timeline, $"docker {kind} ls", "docker",
                [kind, "ls", .. kind == "container" ? new[] { "-a" } : [], "-q", "--filter", $"label=com.docker.compose.project={Project}"], TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, text);
            left.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(id => $"{kind} {id}"));
        }
        return left;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_down)
        {
            try { await DownAsync(); }
            catch (Exception e) { timeline.Log($"docker-compose down after the test failed: {e.Message}"); }
        }
        try { Directory.Delete(Checkpoints, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
