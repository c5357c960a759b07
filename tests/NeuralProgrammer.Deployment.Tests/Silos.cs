using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NeuralProgrammer.Silo;
using Orleans;
using Orleans.Runtime;

namespace NeuralProgrammer.Deployment.Tests;

/// <summary>A silo built by <see cref="SiloHost.Build"/> in this process, on free loopback ports; stopped on dispose.</summary>
sealed class TestSilo : IAsyncDisposable
{
    public WebApplication App { get; }
    public string HttpUrl { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    bool _stopped;

    TestSilo(WebApplication app, string httpUrl, int siloPort, int gatewayPort) =>
        (App, HttpUrl, SiloPort, GatewayPort) = (app, httpUrl, siloPort, gatewayPort);

    /// <param name="settings">Configuration keys and values, passed as the silo's command line.</param>
    public static async Task<TestSilo> StartAsync(IDictionary<string, string> settings)
    {
        var ports = Ports.Free(3);
        var url = $"http://127.0.0.1:{ports[2]}";
        var all = new Dictionary<string, string>
        {
            ["urls"] = url,
            ["Silo:SiloPort"] = ports[0].ToString(),
            ["Silo:GatewayPort"] = ports[1].ToString(),
            ["Silo:ListenAddress"] = "127.0.0.1",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Warning",
        };
        foreach (var (k, v) in settings) all[k] = v;
        var args = all.SelectMany(kv => new[] { $"--{kv.Key}", kv.Value }).ToArray();
        var app = SiloHost.Build(args);
        var silo = new TestSilo(app, url, ports[0], ports[1]);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await app.StartAsync(cts.Token);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
        return silo;
    }

    public SiloAddress Address => App.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    public IReadOnlyList<SiloAddress> ActiveMembers() =>
        App.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();

    public SiloStatus StatusOf(SiloAddress silo) =>
        App.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(silo);

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await App.StopAsync(cts.Token); } catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>An Orleans client configured by <see cref="ClusterClient.Configure"/> from the given keys.</summary>
sealed class TestClient : IAsyncDisposable
{
    readonly IHost _host;
    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    TestClient(IHost host) => _host = host;

    /// <param name="responseTimeout">Orleans' own call timeout (30 s by default), shortened where a test expects refusal.</param>
    public static async Task<TestClient> ConnectAsync(IDictionary<string, string?> settings, TimeSpan? timeout = null, TimeSpan? responseTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleansClient(client =>
        {
            ClusterClient.Configure(client, builder.Configuration);
            if (responseTimeout is { } t) client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = t);
        });
        var host = builder.Build();
        try
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            await host.StartAsync(cts.Token).WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
            return new TestClient(host);
        }
        catch
        {
            await StopHostAsync(host);
            throw;
        }
    }

    /// <summary>The silos the cluster reports active, asked through a grain call (IManagementGrain).</summary>
    public async Task<int> ActiveSiloCountAsync() =>
        (await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;

    static async Task StopHostAsync(IHost host)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await host.StopAsync(cts.Token); } catch (Exception) { /* a client that never connected */ }
        host.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopHostAsync(_host);
}

/// <summary>
/// The silo run as its own process (<c>dotnet NeuralProgrammer.Silo.dll</c>) with exactly the given environment
/// (plus what a process needs to run: PATH, HOME, DOTNET_*); killed on dispose if still running.
/// </summary>
sealed class SiloProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _log = new();
    public string Name { get; }

    SiloProcess(string name, Process process) => (Name, _process) = (name, process);

    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Repo.SiloDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        // Only what the process needs from ours: nothing of the test's own configuration leaks in.
        var keep = new[] { "PATH", "HOME", "DOTNET_ROOT", "DOTNET_CLI_HOME", "NUGET_PACKAGES", "TMPDIR", "LANG" };
        foreach (var key in start.Environment.Keys.ToList())
            if (!keep.Contains(key)) start.Environment.Remove(key);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        var process = Process.Start(start)!;
        var silo = new SiloProcess(name, process);
        process.OutputDataReceived += (_, e) => { lock (silo._log) silo._log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (silo._log) silo._log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get { lock (_log) return $"--- {Name} (pid {_process.Id})\n{_log}"; }
    }

    /// <summary>Waits for the process to end by itself; returns its exit code, or null if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM, as Kubernetes and docker stop send it; returns the exit code, or null if it did not exit in time.</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return _process.ExitCode;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
        _process.Dispose();
    }
}
