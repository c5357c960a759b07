using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using NeuralProgrammer.Silo;

namespace NeuralProgrammer.Client;

/// <summary>
/// Where the console's grain calls go: a real cluster named by <c>--cluster</c> (gateways <c>host:port,...</c> or
/// <c>redis:host:port</c>; the same <c>NP_</c> environment variables as the silo also apply, e.g. TLS), or, with no
/// cluster named, a silo started in this process on free loopback ports that lives as long as the command.
/// </summary>
public sealed class ClusterSession : IAsyncDisposable
{
    public static Option<string?> ClusterOption { get; } = new("--cluster")
    {
        Description = "The cluster: gateways host:port[,host:port] or redis:host:port (default: an embedded silo in this process)",
    };

    static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    readonly IHost? client;
    readonly WebApplication? silo;

    public IGrainFactory Grains { get; }
    public bool Embedded => silo is not null;
    public string Description { get; }

    ClusterSession(IHost? client, WebApplication? silo, IGrainFactory grains, string description)
    {
        (this.client, this.silo, Grains, Description) = (client, silo, grains, description);
    }

    public static Task<ClusterSession> Open(ParseResult parse, CancellationToken cancellation) =>
        parse.GetValue(ClusterOption) is { } cluster ? Connect(cluster, cancellation) : StartEmbedded(cancellation);

    static async Task<ClusterSession> StartEmbedded(CancellationToken cancellation)
    {
        var silo = SiloHost.Build(
        [
            $"--Silo:SiloPort={FreePort()}", $"--Silo:GatewayPort={FreePort()}", "--Urls=http://127.0.0.1:0",
            "--Logging:Console:LogLevel:Default=Error", // the console is the progress bar's; provider rules beat appsettings' categories
        ]);
        await silo.StartAsync(cancellation);
        return new ClusterSession(null, silo, silo.Services.GetRequiredService<IGrainFactory>(), "embedded silo");
    }

    /// <param name="settings">Configuration keys besides the <c>NP_</c> environment's (e.g. <c>Tls:*</c>), for callers that are not np.</param>
    public static async Task<ClusterSession> Connect(string cluster, CancellationToken cancellation, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        SiloHost.AddConfigurationSources(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(Describe(cluster));
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleansClient(orleans => ClusterClient.Configure(orleans, builder.Configuration));
        var host = builder.Build();
        // A gateway whose certificate this client refuses will never be accepted, however often Orleans retries it.
        var refused = new TaskCompletionSource<TlsRefusal>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (host.Services.GetService<TlsPeerCheck>() is { } check) check.Refused += r => refused.TrySetResult(r);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            var start = host.StartAsync(timeout.Token);
            if (await Task.WhenAny(start, refused.Task) == refused.Task) timeout.Cancel();
            await start;
        }
        catch (Exception) when (refused.Task.IsCompleted && !cancellation.IsCancellationRequested)
        {
            host.Dispose();
            throw new InvalidOperationException($"Cannot connect to the cluster at '{cluster}': {refused.Task.Result.Message}");
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            var ids = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
            host.Dispose();
            throw new InvalidOperationException(
                $"Cannot reach the cluster at '{cluster}': no gateway of cluster id '{ids.ClusterId}' (service id '{ids.ServiceId}') answered within " +
                $"{ConnectTimeout.TotalSeconds:F0} s. Check the address, NP_Cluster__ClusterId and NP_Cluster__ServiceId against the silos', " +
                "and NP_Tls__* if the cluster uses TLS.");
        }
        catch (Exception e) when (e is not ArgumentException and not OperationCanceledException)
        {
            host.Dispose();
            throw new InvalidOperationException($"Cannot reach the cluster at '{cluster}': {e.GetBaseException().Message}");
        }
        return new ClusterSession(host, null, host.Services.GetRequiredService<IClusterClient>(), $"cluster {cluster}");
    }

    /// <summary>The configuration keys of <see cref="ClusterClient"/> for a <c>--cluster</c> value.</summary>
    public static Dictionary<string, string?> Describe(string cluster)
    {
        if (string.IsNullOrWhiteSpace(cluster)) throw new ArgumentException("--cluster: empty; give host:port[,host:port] or redis:host:port.");
        if (cluster.StartsWith("redis:", StringComparison.OrdinalIgnoreCase))
            return new() { ["Cluster:Provider"] = "Redis", ["Cluster:Redis"] = cluster["redis:".Length..] };
        foreach (var gateway in cluster.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = gateway.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(gateway[(colon + 1)..], out var port) || port is < 1 or > 65535)
                throw new ArgumentException($"--cluster: '{gateway}' is not host:port (or use redis:host:port).");
        }
        return new() { ["Cluster:Gateways"] = cluster };
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.StopAsync();
            await silo.DisposeAsync();
        }
        if (client is not null)
        {
            await client.StopAsync();
            client.Dispose();
        }
    }
}
