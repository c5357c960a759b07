using System.Net;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>
/// A silo process (<c>dotnet NeuralProgrammer.Silo.dll</c>) on free loopback ports, in the Redis cluster, with grain
/// state and reminders in Redis. Settings go on its command line, as README's commands give them.
/// </summary>
sealed class SiloNode : IAsyncDisposable
{
    public string Name { get; }
    public ChildProcess Process { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public int HttpPort { get; }
    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";
    public string MetricsTarget => $"127.0.0.1:{HttpPort}";

    SiloNode(string name, ChildProcess process, int[] ports) =>
        (Name, Process, SiloPort, GatewayPort, HttpPort) = (name, process, ports[0], ports[1], ports[2]);

    /// <param name="extra">Further settings (e.g. <c>Tls:*</c>), over the ones below.</param>
    public static SiloNode Start(string name, string redis, bool dashboard, Timeline timeline, IReadOnlyDictionary<string, string>? extra = null)
    {
        var ports = Ports.Free(3);
        var settings = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{ports[2]}",
            ["Silo:SiloPort"] = ports[0].ToString(),
            ["Silo:GatewayPort"] = ports[1].ToString(),
            ["Silo:ListenAddress"] = "127.0.0.1",
            ["Cluster:Provider"] = "Redis",
            ["Cluster:Redis"] = redis,
            ["Storage:Provider"] = "Redis",
            ["Dashboard:Enabled"] = dashboard ? "true" : "false",
            // One torch thread per operation: the silo's compute pool then has as many threads as cores.
            ["Torch:Threads"] = "1",
            // Keep the silo's log to what a test failure needs (membership, the grains' warnings), not its options.
            ["Logging:LogLevel:Orleans.Runtime.SiloOptionsLogger"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) settings[key] = value;
        var args = new List<string> { Programs.SiloDll };
        args.AddRange(settings.Select(kv => $"--{kv.Key}={kv.Value}"));
        var process = ChildProcess.Start(name, "dotnet", args, timeline);
        return new SiloNode(name, process, ports);
    }

    /// <summary>True if <paramref name="siloAddress"/> (Orleans' "S127.0.0.1:port:generation") is this silo.</summary>
    public bool Is(string siloAddress) => siloAddress.Contains($"127.0.0.1:{SiloPort}:", StringComparison.Ordinal);

    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var (status, body) = await Http.WaitForOkAsync(HttpUrl + "/healthz", timeout, () => Process.HasExited);
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"{Name}: /healthz answered {(int)status} {body}\n{Process.Log()}");
    }

    public async Task<string> MetricsAsync() => await Http.Client.GetStringAsync(HttpUrl + "/metrics");

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
