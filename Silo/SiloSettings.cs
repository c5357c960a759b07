using System.Net;
using System.Net.Sockets;

namespace NeuralProgrammer.Silo;

/// <summary>How silos find each other (<c>Cluster:Provider</c>).</summary>
public enum ClusterProvider
{
    /// <summary>Development clustering on one machine (default). Other silos point at a primary with <c>Cluster:PrimarySilo</c>.</summary>
    Localhost,
    /// <summary>Membership table in Redis (<c>Cluster:Redis</c>): several processes or machines.</summary>
    Redis,
    /// <summary>Redis membership plus <c>UseKubernetesHosting</c> (reads POD_NAME, POD_NAMESPACE, POD_IP, ORLEANS_SERVICE_ID, ORLEANS_CLUSTER_ID).</summary>
    Kubernetes,
}

/// <summary>Where grain state goes (<c>Storage:Provider</c>).</summary>
public enum StorageProvider
{
    Memory,
    Redis,
}

/// <summary>A configuration value that is missing or malformed. The message names the key and what it accepts.</summary>
public sealed class SiloConfigurationException(string message) : Exception(message);

/// <summary>
/// The silo's settings, read once from configuration (appsettings.json, <c>NP_</c> environment variables, command line).
/// Every key the silo reads is named here; <see cref="Keys"/> lists them for documentation and tests.
/// </summary>
public sealed record SiloSettings
{
    public const string DefaultServiceId = "neural-programmer";
    public const string DefaultClusterId = "dev";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    public const string DefaultHttpUrl = "http://127.0.0.1:8080";
    /// <summary>The grain storage name that the grains use in <c>[PersistentState(..., "np")]</c>.</summary>
    public const string GrainStorageName = "np";

    /// <summary>The configuration keys the silo reads (environment form: <c>NP_</c> + key with <c>:</c> → <c>__</c>).</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "Cluster:Provider", "Cluster:Redis", "Cluster:ServiceId", "Cluster:ClusterId", "Cluster:PrimarySilo",
        "Cluster:Kubernetes:DeleteDefunctSiloPods",
        "Storage:Provider", "Storage:Redis",
        "Silo:SiloPort", "Silo:GatewayPort", "Silo:ListenAddress", "Silo:AdvertisedAddress", "Silo:ShutdownTimeoutSeconds",
        "Tls:Enabled", "Tls:CertificatePath", "Tls:CertificatePassword", "Tls:AllowedThumbprints",
        "Dashboard:Enabled",
        "Torch:Device", "Torch:Threads",
        "Training:SimulatedCompute",
    ];

    /// <summary>
    /// The environment a silo with <c>Cluster:Provider=Kubernetes</c> needs: the pod's identity from the downward API
    /// (read by UseKubernetesHosting), the cluster ids (which become the pod labels orleans/serviceId and
    /// orleans/clusterId), the provider itself and the Redis membership table.
    /// </summary>
    public static readonly IReadOnlyList<string> KubernetesEnvironment =
    [
        "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID",
        "NP_Cluster__Provider", "NP_Cluster__Redis",
    ];

    public ClusterProvider Cluster { get; init; } = ClusterProvider.Localhost;
    public string? ClusterRedis { get; init; }
    public string ServiceId { get; init; } = DefaultServiceId;
    public string ClusterId { get; init; } = DefaultClusterId;
    public IPEndPoint? PrimarySilo { get; init; }
    public bool DeleteDefunctSiloPods { get; init; }

    public StorageProvider Storage { get; init; } = StorageProvider.Memory;
    public string? StorageRedis { get; init; }

    public int SiloPort { get; init; } = DefaultSiloPort;
    public int GatewayPort { get; init; } = DefaultGatewayPort;
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;
    public IPAddress? AdvertisedAddress { get; init; }
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TlsSettings Tls { get; init; } = new();
    public bool DashboardEnabled { get; init; }
    /// <summary>The planning bench's fixed delay in place of the workers' forward/backward (<c>TrainingJobOptions.SimulatedCompute</c>); null trains.</summary>
    public TimeSpan? SimulatedCompute { get; init; }

    /// <summary>True when the official .NET container images run us (they set DOTNET_RUNNING_IN_CONTAINER=true).</summary>
    public static bool InContainer =>
        string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase);

    public static SiloSettings From(IConfiguration configuration)
    {
        var cluster = ParseEnum<ClusterProvider>(configuration, "Cluster:Provider", ClusterProvider.Localhost);
        var clusterRedis = NullIfEmpty(configuration["Cluster:Redis"]);
        if (cluster is ClusterProvider.Redis or ClusterProvider.Kubernetes && clusterRedis is null)
            throw new SiloConfigurationException(
                $"Cluster:Provider={cluster} needs a Redis connection string in Cluster:Redis (environment NP_Cluster__Redis), e.g. 127.0.0.1:6379.");

        var storage = ParseEnum<StorageProvider>(configuration, "Storage:Provider", StorageProvider.Memory);
        var storageRedis = NullIfEmpty(configuration["Storage:Redis"]) ?? clusterRedis;
        if (storage == StorageProvider.Redis && storageRedis is null)
            throw new SiloConfigurationException(
                "Storage:Provider=Redis needs a Redis connection string in Storage:Redis (or Cluster:Redis), e.g. 127.0.0.1:6379.");

        // Loopback outside containers, so that a developer's silo is not reachable from the network by accident;
        // all interfaces in a container or a Kubernetes pod, where the network namespace is the boundary.
        var defaultListen = InContainer || cluster == ClusterProvider.Kubernetes ? IPAddress.Any : IPAddress.Loopback;

        return new SiloSettings
        {
            Cluster = cluster,
            ClusterRedis = clusterRedis,
            ServiceId = NullIfEmpty(configuration["Cluster:ServiceId"]) ?? DefaultServiceId,
            ClusterId = NullIfEmpty(configuration["Cluster:ClusterId"]) ?? DefaultClusterId,
            PrimarySilo = NullIfEmpty(configuration["Cluster:PrimarySilo"]) is { } primary ? ParseEndpoint("Cluster:PrimarySilo", primary) : null,
            DeleteDefunctSiloPods = ParseBool(configuration, "Cluster:Kubernetes:DeleteDefunctSiloPods", false),
            Storage = storage,
            StorageRedis = storageRedis,
            SiloPort = ParsePort(configuration, "Silo:SiloPort", DefaultSiloPort),
            GatewayPort = ParsePort(configuration, "Silo:GatewayPort", DefaultGatewayPort),
            ListenAddress = NullIfEmpty(configuration["Silo:ListenAddress"]) is { } listen ? ParseAddress("Silo:ListenAddress", listen) : defaultListen,
            AdvertisedAddress = NullIfEmpty(configuration["Silo:AdvertisedAddress"]) is { } advertised ? ParseAddress("Silo:AdvertisedAddress", advertised) : null,
            ShutdownTimeout = TimeSpan.FromSeconds(ParseInt(configuration, "Silo:ShutdownTimeoutSeconds", 30, min: 1, max: 3600)),
            Tls = TlsSettings.From(configuration),
            DashboardEnabled = ParseBool(configuration, "Dashboard:Enabled", false),
            SimulatedCompute = ParseDuration(configuration, "Training:SimulatedCompute", TimeSpan.FromMinutes(10)),
        };
    }

    internal static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static T ParseEnum<T>(IConfiguration configuration, string key, T fallback) where T : struct, Enum
    {
        var raw = NullIfEmpty(configuration[key]);
        if (raw is null) return fallback;
        if (Enum.TryParse<T>(raw, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(raw, out _)) return value;
        throw new SiloConfigurationException($"{key}='{raw}' is not one of: {string.Join(", ", Enum.GetNames<T>())}.");
    }

    internal static bool ParseBool(IConfiguration configuration, string key, bool fallback)
    {
        var raw = NullIfEmpty(configuration[key]);
        if (raw is null) return fallback;
        if (bool.TryParse(raw, out var value)) return value;
        throw new SiloConfigurationException($"{key}='{raw}' is not true or false.");
    }

    internal static int ParseInt(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        var raw = NullIfEmpty(configuration[key]);
        if (raw is null) return fallback;
        if (int.TryParse(raw, out var value) && value >= min && value <= max) return value;
        throw new SiloConfigurationException($"{key}='{raw}' is not a whole number from {min} to {max}.");
    }

    /// <summary>A duration such as <c>00:00:00.030</c> from zero to <paramref name="max"/>, or null when the key is unset.</summary>
    internal static TimeSpan? ParseDuration(IConfiguration configuration, string key, TimeSpan max)
    {
        var raw = NullIfEmpty(configuration[key]);
        if (raw is null) return null;
        if (TimeSpan.TryParse(raw, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.Zero && value <= max) return value;
        throw new SiloConfigurationException($"{key}='{raw}' is not a duration (hh:mm:ss.fff) from 0 to {max}.");
    }

    static int ParsePort(IConfiguration configuration, string key, int fallback) => ParseInt(configuration, key, fallback, 1, 65535);

    /// <summary>An IP address, or a host name resolved now (IPv4 first), e.g. a compose service name.</summary>
    internal static IPAddress ParseAddress(string key, string raw)
    {
        if (IPAddress.TryParse(raw, out var address)) return address;
        try
        {
            var addresses = Dns.GetHostAddresses(raw);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault()
                ?? throw new SiloConfigurationException($"{key}='{raw}' resolves to no address.");
        }
        catch (SocketException e)
        {
            throw new SiloConfigurationException($"{key}='{raw}' is neither an IP address nor a host name that resolves: {e.Message}");
        }
    }

    internal static IPEndPoint ParseEndpoint(string key, string raw)
    {
        var colon = raw.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(raw[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new SiloConfigurationException($"{key}='{raw}' is not host:port.");
        var host = raw[..colon].Trim('[', ']');
        return new IPEndPoint(ParseAddress(key, host), port);
    }
}

/// <summary>TLS for silo-to-silo and client-to-gateway connections (<c>Tls:*</c>).</summary>
public sealed record TlsSettings
{
    public bool Enabled { get; init; }
    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key.</summary>
    public string? CertificatePath { get; init; }
    public string? CertificatePassword { get; init; }
    /// <summary>Extra certificate thumbprints (SHA-1 hex, comma-separated) accepted from peers besides our own certificate.</summary>
    public IReadOnlyList<string> AllowedThumbprints { get; init; } = [];

    public static TlsSettings From(IConfiguration configuration)
    {
        var enabled = SiloSettings.ParseBool(configuration, "Tls:Enabled", false);
        var path = SiloSettings.NullIfEmpty(configuration["Tls:CertificatePath"]);
        if (enabled && path is null)
            throw new SiloConfigurationException("Tls:Enabled=true needs Tls:CertificatePath, a .pfx file with the certificate and its private key.");
        return new TlsSettings
        {
            Enabled = enabled,
            CertificatePath = path,
            CertificatePassword = configuration["Tls:CertificatePassword"],
            AllowedThumbprints = (configuration["Tls:AllowedThumbprints"] ?? "")
                .Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => t.Replace(":", "").ToUpperInvariant())
                .ToArray(),
        };
    }
}
