using System.Net;
using k8s;
using NeuralProgrammer.Grains;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;

namespace NeuralProgrammer.Silo;

/// <summary>
/// The silo host: an Orleans silo inside an ASP.NET Core application serving <c>/healthz</c>, <c>/metrics</c> and,
/// when enabled, the Orleans Dashboard at <c>/dashboard</c>. Public so that the client console can embed a silo
/// and tests can start one; <see cref="Build"/> is the whole recipe, the other members are its parts.
/// </summary>
public static class SiloHost
{
    /// <summary>Prefix of the environment variables the silo reads (<c>NP_Cluster__Provider=Redis</c>).</summary>
    public const string EnvironmentPrefix = "NP_";
    public const string MeterName = "NeuralProgrammer";
    public const string OrleansMeterName = "Microsoft.Orleans";
    public const string HealthPath = "/healthz";
    public const string MetricsPath = "/metrics";
    public const string DashboardPath = "/dashboard";

    /// <summary>
    /// Builds the silo application from <paramref name="args"/> (command line), <c>NP_</c> environment variables and
    /// appsettings.json, in increasing order of precedence: appsettings &lt; environment &lt; command line.
    /// <paramref name="configure"/> runs last, before Build, for callers that add services or configuration.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddConfigurationSources(builder.Configuration);
        configure?.Invoke(builder);
        ConfigureBuilder(builder);
        var app = builder.Build();
        MapEndpoints(app);
        return app;
    }

    /// <summary>
    /// Adds the <c>NP_</c> environment variables just below the last command-line source, so that they override
    /// appsettings.json and the command line overrides them. (WebApplication.CreateBuilder adds the command line twice:
    /// early, as host configuration below appsettings.json, and last, above everything.)
    /// </summary>
    public static void AddConfigurationSources(IConfigurationBuilder configuration)
    {
        var source = new Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource { Prefix = EnvironmentPrefix };
        var commandLine = configuration.Sources.ToList().FindLastIndex(s => s is CommandLineConfigurationSource);
        if (commandLine >= 0) configuration.Sources.Insert(commandLine, source);
        else configuration.Sources.Add(source);
    }

    /// <summary>Orleans, metrics, health checks, HTTP addresses and shutdown timeout.</summary>
    public static void ConfigureBuilder(WebApplicationBuilder builder)
    {
        var settings = SiloSettings.From(builder.Configuration);

        if (!HasHttpAddresses(builder.Configuration))
            builder.WebHost.UseUrls(SiloSettings.InContainer ? "http://0.0.0.0:8080" : SiloSettings.DefaultHttpUrl);

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.UseOrleans(silo => ConfigureSilo(silo, builder.Configuration, settings));

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeterName, OrleansMeterName)
            // A training step and its parts take milliseconds to seconds; OpenTelemetry's default buckets start at 5 (seconds here).
            .AddView("np_*_seconds", new ExplicitBucketHistogramConfiguration
            {
                Boundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            })
            // Orleans' instruments carry no description, which Prometheus' linters flag ("no help text"): name them.
            .AddView(instrument => string.IsNullOrEmpty(instrument.Description)
                ? new MetricStreamConfiguration { Description = $"{instrument.Meter.Name} {instrument.Name}" }
                : null)
            .AddPrometheusExporter());

        builder.Services.AddHealthChecks().AddCheck<OrleansHealthCheck>("orleans");
    }

    /// <summary>
    /// Configures an Orleans silo from configuration: cluster ids, clustering provider, endpoints, grain storage
    /// (named <c>np</c> and default), TLS, the dashboard and the grains' <see cref="TorchOptions"/>.
    /// </summary>
    public static void ConfigureSilo(ISiloBuilder silo, IConfiguration configuration) =>
        ConfigureSilo(silo, configuration, SiloSettings.From(configuration));

    static void ConfigureSilo(ISiloBuilder silo, IConfiguration configuration, SiloSettings settings)
    {
        silo.Services.AddOptions<TorchOptions>()
            .Bind(configuration.GetSection(TorchOptions.Section))
            .Validate(o => o.Device is "cpu" or "cuda" || o.Device.StartsWith("cuda:", StringComparison.Ordinal),
                "Torch:Device must be cpu, cuda or cuda:N")
            .Validate(o => o.Threads >= 0, "Torch:Threads must be 0 (automatic) or more")
            .ValidateOnStart();
        if (settings.SimulatedCompute is { } simulated)
            silo.Services.Configure<TrainingJobOptions>(o => o.SimulatedCompute = simulated);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = settings.ServiceId;
            o.ClusterId = settings.ClusterId;
        });

        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = settings.SiloPort;
            o.GatewayPort = settings.GatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(settings.ListenAddress, settings.SiloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(settings.ListenAddress, settings.GatewayPort);
            if (AdvertisedAddress(settings) is { } advertised) o.AdvertisedIPAddress = advertised;
        });

        switch (settings.Cluster)
        {
            case ClusterProvider.Localhost:
                silo.UseDevelopmentClustering(settings.PrimarySilo);
                break;
            case ClusterProvider.Redis:
                silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(settings.ClusterRedis!));
                break;
            case ClusterProvider.Kubernetes:
                silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(settings.ClusterRedis!));
                // After ClusterOptions above, so that ORLEANS_SERVICE_ID / ORLEANS_CLUSTER_ID from the pod win.
                silo.UseKubernetesHosting(o => o.Configure(k =>
                {
                    k.DeleteDefunctSiloPods = settings.DeleteDefunctSiloPods;
                    // In a pod: the service account. Elsewhere (tests, a developer's machine): KUBECONFIG or ~/.kube/config.
                    k.GetClientConfiguration = () => KubernetesClientConfiguration.IsInCluster()
                        ? KubernetesClientConfiguration.InClusterConfig()
                        : KubernetesClientConfiguration.BuildDefaultConfig();
                }));
                break;
        }

        // Grain state and reminders (which re-activate a running training job after its silo died) live together.
        switch (settings.Storage)
        {
            case StorageProvider.Memory:
                silo.AddMemoryGrainStorage(SiloSettings.GrainStorageName);
                silo.AddMemoryGrainStorageAsDefault();
                silo.UseInMemoryReminderService();
                break;
            case StorageProvider.Redis:
                // Both names use the same keys ({ServiceId}/state/{grain}), so they see the same state.
                silo.AddRedisGrainStorage(SiloSettings.GrainStorageName, o => o.ConfigurationOptions = RedisOptions(settings.StorageRedis!));
                silo.AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = RedisOptions(settings.StorageRedis!));
                silo.UseRedisReminderService(o => o.ConfigurationOptions = RedisOptions(settings.StorageRedis!));
                break;
        }

        if (settings.Tls.Enabled) OrleansTls.UseTls(silo, settings.Tls);
        if (settings.DashboardEnabled) silo.AddDashboard();
    }

    /// <summary>Maps <c>/healthz</c> (200 "ok" while the silo is active, 503 otherwise), <c>/metrics</c> and the dashboard.</summary>
    public static void MapEndpoints(WebApplication app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions
        {
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync(report.Status == HealthStatus.Healthy
                    ? "ok"
                    : string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Status.ToString()}")));
            },
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        if (SiloSettings.ParseBool(app.Configuration, "Dashboard:Enabled", false))
            app.MapOrleansDashboard(DashboardPath);
    }

    /// <summary>The connection options for a Redis connection string, failing with the key's name if it does not parse.</summary>
    public static ConfigurationOptions RedisOptions(string connectionString)
    {
        try
        {
            var options = ConfigurationOptions.Parse(connectionString);
            // Keep retrying while Redis starts (compose, Kubernetes) instead of failing the silo at once.
            options.AbortOnConnectFail = false;
            return options;
        }
        catch (ArgumentException e)
        {
            throw new SiloConfigurationException($"'{connectionString}' is not a Redis connection string: {e.Message}");
        }
    }

    /// <summary>The address advertised to other silos and clients; null lets Orleans (or Kubernetes hosting) choose.</summary>
    static IPAddress? AdvertisedAddress(SiloSettings settings)
    {
        if (settings.AdvertisedAddress is not null) return settings.AdvertisedAddress;
        if (settings.Cluster == ClusterProvider.Kubernetes)
        {
            // The pod's IP from the downward API. UseKubernetesHosting would use it too, but only if nothing else
            // has chosen an address first, and Orleans' own default (the first network interface) can come first.
            var podIp = Environment.GetEnvironmentVariable("POD_IP");
            return string.IsNullOrWhiteSpace(podIp) ? null : SiloSettings.ParseAddress("POD_IP", podIp);
        }
        if (!settings.ListenAddress.Equals(IPAddress.Any) && !settings.ListenAddress.Equals(IPAddress.IPv6Any))
            return settings.ListenAddress;
        return settings.Cluster == ClusterProvider.Localhost ? IPAddress.Loopback : null;
    }

    static bool HasHttpAddresses(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"])
        || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
}
