using System.Net;
using Orleans.Configuration;

namespace NeuralProgrammer.Silo;

/// <summary>
/// For the client console: configures an Orleans client to reach the cluster that a silo with the same
/// configuration belongs to (same keys as the silo: <c>Cluster:*</c>, <c>Silo:GatewayPort</c>, <c>Tls:*</c>).
/// <c>Cluster:Gateways</c> (comma-separated host:port) names gateways directly and takes precedence over the provider.
/// </summary>
public static class ClusterClient
{
    public static IClientBuilder Configure(IClientBuilder client, IConfiguration configuration)
    {
        var serviceId = SiloSettings.NullIfEmpty(configuration["Cluster:ServiceId"]) ?? SiloSettings.DefaultServiceId;
        var clusterId = SiloSettings.NullIfEmpty(configuration["Cluster:ClusterId"]) ?? SiloSettings.DefaultClusterId;
        client.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = serviceId;
            o.ClusterId = clusterId;
        });

        if (SiloSettings.NullIfEmpty(configuration["Cluster:Gateways"]) is { } gateways)
        {
            var endpoints = gateways.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(g => SiloSettings.ParseEndpoint("Cluster:Gateways", g))
                .ToArray();
            client.UseStaticClustering(endpoints);
        }
        else
        {
            switch (SiloSettings.ParseEnum(configuration, "Cluster:Provider", ClusterProvider.Localhost))
            {
                case ClusterProvider.Localhost:
                    var port = SiloSettings.ParseInt(configuration, "Silo:GatewayPort", SiloSettings.DefaultGatewayPort, 1, 65535);
                    client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, port));
                    break;
                default:
                    var redis = SiloSettings.NullIfEmpty(configuration["Cluster:Redis"])
                        ?? throw new SiloConfigurationException("Cluster:Provider=Redis needs Cluster:Redis, a Redis connection string.");
                    client.UseRedisClustering(o => o.ConfigurationOptions = SiloHost.RedisOptions(redis));
                    break;
            }
        }

        return OrleansTls.UseTls(client, configuration);
    }
}
