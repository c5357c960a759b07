using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Silo;

namespace NeuralProgrammer.Deployment.Tests;

public class SiloHostTests
{
    [Fact]
    public async Task A_silo_serves_healthz_metrics_in_prometheus_format_and_the_dashboard()
    {
        // A NeuralProgrammer instrument, as the grains will have: the silo must export that meter too.
        using var meter = new Meter(SiloHost.MeterName);
        var examples = meter.CreateCounter<long>("np_test_probe_examples", description: "probe counter of the deployment tests");
        var steps = meter.CreateHistogram<double>("np_step_duration_seconds", "s", "probe histogram of the deployment tests");
        var workers = meter.CreateHistogram<double>("np_worker_compute_seconds", "s", "probe histogram of the deployment tests");

        await using var silo = await TestSilo.StartAsync(new Dictionary<string, string>
        {
            ["Dashboard:Enabled"] = "true",
            ["Torch:Device"] = "cpu",
            ["Torch:Threads"] = "3",
        });

        using (var health = await Http.Client.GetAsync(silo.HttpUrl + "/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("ok", await health.Content.ReadAsStringAsync());
        }
        examples.Add(42, new KeyValuePair<string, object?>("job", "probe-job"));
        steps.Record(0.03, new KeyValuePair<string, object?>("job", "probe-job"));
        workers.Record(0.03, new KeyValuePair<string, object?>("job", "probe-job"));

        // Orleans' meter reports once its instruments have values: wait for a scrape that has them.
        string metrics = "";
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            metrics = await Http.Client.GetStringAsync(silo.HttpUrl + "/metrics");
            return metrics.Contains("# TYPE orleans_") && metrics.Contains("np_test_probe_examples_total{") && metrics.Contains("np_step_duration_seconds_bucket{");
        }, TimeSpan.FromSeconds(20)), "no Orleans or NeuralProgrammer metrics in /metrics:\n" + metrics);
        Assert.Matches(new Regex("^np_test_probe_examples_total\\{.*job=\"probe-job\".*\\} 42", RegexOptions.Multiline), metrics);
        // Every np_*_seconds histogram gets sub-second buckets: 0.03 s falls in le="0.05" but not in le="0.025".
        foreach (var histogram in new[] { "np_step_duration_seconds", "np_worker_compute_seconds" })
        {
            Assert.Matches(new Regex($"^{histogram}_bucket\\{{.*job=\"probe-job\".*le=\"0.05\"\\}} 1", RegexOptions.Multiline), metrics);
            Assert.Matches(new Regex($"^{histogram}_bucket\\{{.*job=\"probe-job\".*le=\"0.025\"\\}} 0", RegexOptions.Multiline), metrics);
        }
        await AssertPromtoolAcceptsAsync(metrics);

        using (var dashboard = await Http.Client.GetAsync(silo.HttpUrl + "/dashboard"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Equal("text/html", dashboard.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<html", await dashboard.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        var torch = silo.App.Services.GetRequiredService<IOptions<TorchOptions>>().Value;
        Assert.Equal(("cpu", 3), (torch.Device, torch.Threads));
    }

    /// <summary>
    /// promtool check metrics: the exposition must parse (exit 1 otherwise). Lint findings (exit 3) are allowed only
    /// on Orleans' own instruments (orleans_*: units in milliseconds and megabytes, camelCase tag names), whose names
    /// and tags come from Orleans; everything else, np_* included, must be clean.
    /// </summary>
    internal static async Task AssertPromtoolAcceptsAsync(string metrics)
    {
        var promtool = Commands.Require("promtool", "prometheus");
        var result = await Tool.RunAsync(promtool, ["check", "metrics"], stdin: metrics);
        if (result.ExitCode == 0) return;
        Assert.True(result.ExitCode == 3, "promtool could not parse /metrics:\n" + result.Output);
        var findings = (result.Stdout + result.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unexpected = findings.Where(f => !f.StartsWith("orleans_", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, "promtool lint findings:\n" + string.Join('\n', unexpected));
    }

    [Fact]
    public async Task Graceful_shutdown_lets_a_silo_leave_its_cluster_at_once()
    {
        await using var a = await TestSilo.StartAsync(new Dictionary<string, string>());
        await using var b = await TestSilo.StartAsync(new Dictionary<string, string> { ["Cluster:PrimarySilo"] = $"127.0.0.1:{a.SiloPort}" });
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(a.ActiveMembers().Count == 2), TimeSpan.FromSeconds(30)));
        var leaving = b.Address;
        await b.StopAsync();
        // A graceful stop writes Dead to the membership table itself: no failure detection (tens of seconds) needed.
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(a.StatusOf(leaving) == Orleans.Runtime.SiloStatus.Dead), TimeSpan.FromSeconds(15)),
            $"silo {leaving} is {a.StatusOf(leaving)} after a graceful stop");
        using var health = await Http.Client.GetAsync(a.HttpUrl + "/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public void Command_line_wins_over_NP_environment_variables_which_win_over_appsettings()
    {
        var key = $"DeploymentTest{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable($"NP_{key}__Value", "from-environment");
        try
        {
            var fromEnvironment = new ConfigurationManager();
            fromEnvironment.AddInMemoryCollection(new Dictionary<string, string?> { [$"{key}:Value"] = "from-appsettings" });
            fromEnvironment.AddCommandLine([]);
            SiloHost.AddConfigurationSources(fromEnvironment);
            Assert.Equal("from-environment", fromEnvironment[$"{key}:Value"]);

            // As WebApplication.CreateBuilder orders them: command line (host), appsettings, environment, command line.
            var asBuilt = new ConfigurationManager();
            asBuilt.AddCommandLine(["--Other=1"]);
            asBuilt.AddInMemoryCollection(new Dictionary<string, string?> { [$"{key}:Value"] = "from-appsettings" });
            asBuilt.AddEnvironmentVariables();
            asBuilt.AddCommandLine(["--Other=1"]);
            SiloHost.AddConfigurationSources(asBuilt);
            Assert.Equal("from-environment", asBuilt[$"{key}:Value"]);

            var fromCommandLine = new ConfigurationManager();
            fromCommandLine.AddCommandLine([$"--{key}:Value", "from-command-line"]);
            SiloHost.AddConfigurationSources(fromCommandLine);
            Assert.Equal("from-command-line", fromCommandLine[$"{key}:Value"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"NP_{key}__Value", null);
        }
    }

    [Theory]
    [InlineData("Cluster:Provider", "Zookeeper", "Cluster:Provider='Zookeeper' is not one of: Localhost, Redis, Kubernetes")]
    [InlineData("Cluster:Provider", "Redis", "Cluster:Redis")]
    [InlineData("Storage:Provider", "Redis", "Storage:Redis")]
    [InlineData("Silo:SiloPort", "70000", "Silo:SiloPort='70000'")]
    [InlineData("Tls:Enabled", "true", "Tls:CertificatePath")]
    public void Bad_configuration_fails_with_the_key_it_concerns(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var error = Assert.Throws<SiloConfigurationException>(() => SiloSettings.From(configuration));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Defaults_are_a_loopback_development_silo()
    {
        var settings = SiloSettings.From(new ConfigurationBuilder().Build());
        Assert.Equal(ClusterProvider.Localhost, settings.Cluster);
        Assert.Equal(StorageProvider.Memory, settings.Storage);
        Assert.Equal(("neural-programmer", "dev"), (settings.ServiceId, settings.ClusterId));
        Assert.Equal((11111, 30000), (settings.SiloPort, settings.GatewayPort));
        if (!SiloSettings.InContainer) Assert.Equal(IPAddress.Loopback, settings.ListenAddress);
        Assert.False(settings.Tls.Enabled);
        Assert.False(settings.DashboardEnabled);
    }

    [Fact]
    public async Task The_silo_process_answers_its_own_health_check_mode_and_exits_0_on_SIGTERM()
    {
        var ports = Ports.Free(3);
        var url = $"http://127.0.0.1:{ports[2]}";
        // Settings both from NP_ variables and from the command line, as the README's commands give them.
        await using var silo = SiloProcess.Start("silo", new Dictionary<string, string>
        {
            ["NP_Silo__SiloPort"] = ports[0].ToString(),
            ["NP_Silo__GatewayPort"] = ports[1].ToString(),
            ["NP_Silo__ListenAddress"] = "127.0.0.1",
        }, $"--urls={url}", "--Logging:LogLevel:Orleans=Warning");
        var (status, body) = await Http.WaitForOkAsync(url + "/healthz", TimeSpan.FromSeconds(45), () => silo.HasExited);
        Assert.True(status == HttpStatusCode.OK, $"/healthz: {status} {body}\n{silo.Log}");
        foreach (var port in ports[..2])
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port); // the NP_ ports took effect
        }

        // The container HEALTHCHECK: the same binary in --health-check mode, with the URL from ASPNETCORE_URLS.
        var probe = await ProbeAsync(url);
        Assert.True(probe.ExitCode == 0, probe.Output);

        var exit = await silo.TerminateAsync(TimeSpan.FromSeconds(40));
        Assert.True(exit == 0, $"exit code {exit?.ToString() ?? "none (still running)"} after SIGTERM\n{silo.Log}");
        Assert.Contains("Application is shutting down", silo.Log);

        var down = await ProbeAsync(url);
        Assert.True(down.ExitCode == 1, down.Output);
    }

    static async Task<ToolResult> ProbeAsync(string url)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Repo.SiloDll);
        start.ArgumentList.Add(HealthProbe.Flag);
        start.Environment["ASPNETCORE_URLS"] = url.Replace("127.0.0.1", "0.0.0.0"); // as in a container: wildcard host
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
