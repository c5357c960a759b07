using System.Net;
using System.Text.Json;

namespace NeuralProgrammer.EndToEnd.Tests;

/// <summary>A Prometheus server on a free 127.0.0.1 port with its own storage, scraping the silos every second.</summary>
sealed class PrometheusServer : IAsyncDisposable
{
    public const string ScrapeJob = "np-silos";

    public ChildProcess Process { get; }
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public string Configuration { get; }

    PrometheusServer(ChildProcess process, int port, string configuration) => (Process, Port, Configuration) = (process, port, configuration);

    /// <summary>
    /// The scrape configuration. <c>honor_labels: true</c> keeps the metrics' own <c>job</c> label (the training job's
    /// id); without it Prometheus would rename it to <c>exported_job</c> and put the scrape job's name in <c>job</c>.
    /// </summary>
    public static string ConfigFor(IEnumerable<string> targets) => $"""
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: {ScrapeJob}
            honor_labels: true
            metrics_path: /metrics
            static_configs:
              - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
        """;

    public static async Task<PrometheusServer> StartAsync(string directory, IEnumerable<string> targets, Timeline timeline)
    {
        var executable = Commands.Require("prometheus", "prometheus");
        Directory.CreateDirectory(directory);
        var config = ConfigFor(targets);
        var configFile = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config);
        var port = Ports.Free(1)[0];
        var process = ChildProcess.Start("prometheus", executable,
        [
            $"--config.file={configFile}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        ], timeline, workingDirectory: directory);
        var server = new PrometheusServer(process, port, config);
        var (status, body) = await Http.WaitForOkAsync(server.Url + "/-/ready", TimeSpan.FromSeconds(60), () => process.HasExited);
        if (status != HttpStatusCode.OK)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"Prometheus is not ready: {(int)status} {body}\n{process.Log()}");
        }
        return server;
    }

    /// <summary>An instant query through the HTTP API: the result vector's samples (labels and value).</summary>
    public async Task<IReadOnlyList<Sample>> QueryAsync(string promql)
    {
        var json = await Http.Client.GetStringAsync($"{Url}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.True(root.GetProperty("status").GetString() == "success", $"query {promql}: {json}");
        return root.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => new Sample(
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The scrape targets: address, health ("up", "down", "unknown") and last error.</summary>
    public async Task<IReadOnlyList<(string Instance, string Health, string Error)>> TargetsAsync()
    {
        var json = await Http.Client.GetStringAsync($"{Url}/api/v1/targets?state=active");
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Select(t => (t.GetProperty("labels").GetProperty("instance").GetString()!, t.GetProperty("health").GetString()!,
                t.GetProperty("lastError").GetString() ?? ""))
            .ToList();
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public override string ToString() => $"{{{string.Join(", ", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value}";
    }
}

/// <summary>The <c>np</c> console run as a user runs it: <c>dotnet np.dll ...</c>, in its own process.</summary>
static class Np
{
    public sealed record Outcome(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static ChildProcess Start(Timeline timeline, string workingDirectory, params string[] args) =>
        StartWith(timeline, workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>np with settings in its environment besides NO_COLOR, e.g. <c>NP_Cluster__ClusterId</c>.</summary>
    public static ChildProcess StartWith(Timeline timeline, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        ChildProcess.Start("np " + args[0], "dotnet", [Programs.NpDll, .. args], timeline,
            new Dictionary<string, string>(environment) { ["NO_COLOR"] = "1" }, workingDirectory);

    public static async Task<Outcome> RunAsync(Timeline timeline, string workingDirectory, TimeSpan timeout, params string[] args) =>
        await RunWithAsync(timeline, workingDirectory, new Dictionary<string, string>(), timeout, args);

    public static async Task<Outcome> RunWithAsync(Timeline timeline, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout,
        params string[] args)
    {
        await using var process = StartWith(timeline, workingDirectory, environment, args);
        var exit = await process.WaitForExitAsync(timeout);
        Assert.True(exit is not null, $"np {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:F0} s:\n{process.Log()}");
        return new Outcome(exit.Value, process.Output);
    }
}

/// <summary>promtool check metrics, the exposition format's linter.</summary>
static class Promtool
{
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string metrics)
    {
        var promtool = Commands.Require("promtool", "prometheus");
        var start = new System.Diagnostics.ProcessStartInfo(promtool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    /// <summary>
    /// The metric families (HELP, TYPE and samples) whose names start with <paramref name="prefix"/>, as their own
    /// exposition text.
    /// </summary>
    public static string Families(string metrics, string prefix) =>
        string.Join('\n', metrics.Split('\n').Where(line =>
            line.StartsWith(prefix, StringComparison.Ordinal)
            || line.StartsWith("# HELP " + prefix, StringComparison.Ordinal)
            || line.StartsWith("# TYPE " + prefix, StringComparison.Ordinal)
            || line.StartsWith("# UNIT " + prefix, StringComparison.Ordinal)
            || line == "# EOF")) + "\n";
}
