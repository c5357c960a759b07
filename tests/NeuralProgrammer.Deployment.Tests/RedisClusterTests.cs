using Microsoft.Extensions.DependencyInjection;
using NeuralProgrammer.Silo;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace NeuralProgrammer.Deployment.Tests;

public class RedisClusterTests
{
    [Fact]
    public async Task Two_silos_cluster_through_Redis_share_Redis_grain_storage_and_serve_a_client()
    {
        await using var redis = await RedisServer.StartAsync();
        var clusterId = $"test-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string>
        {
            ["Cluster:Provider"] = "Redis",
            ["Cluster:Redis"] = redis.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Storage:Provider"] = "Redis",
        };
        await using var a = await TestSilo.StartAsync(settings);
        await using var b = await TestSilo.StartAsync(settings);

        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(a.ActiveMembers().Count == 2 && b.ActiveMembers().Count == 2),
            TimeSpan.FromSeconds(30)), $"active members: a sees {a.ActiveMembers().Count}, b sees {b.ActiveMembers().Count}");

        // Grain storage under "np" (the grains' name) and as default, both in Redis and both the same state.
        var np = a.App.Services.GetRequiredKeyedService<IGrainStorage>(SiloSettings.GrainStorageName);
        var fallback = b.App.Services.GetRequiredKeyedService<IGrainStorage>(Orleans.Providers.ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        Assert.Equal("RedisGrainStorage", np.GetType().Name);
        var grain = GrainId.Create("deployment-test", Guid.NewGuid().ToString("N"));
        await np.WriteStateAsync("checkpoint", grain, new GrainState<string>("weights v1"));
        var read = new GrainState<string>();
        await fallback.ReadStateAsync("checkpoint", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal("weights v1", read.State);
        // Reminders (the training job's resume-after-failure) are kept in Redis as well.
        Assert.Equal("RedisReminderTable", a.App.Services.GetRequiredService<IReminderTable>().GetType().Name);

        await using var client = await TestClient.ConnectAsync(new Dictionary<string, string?>
        {
            ["Cluster:Provider"] = "Redis",
            ["Cluster:Redis"] = redis.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
        });
        Assert.Equal(2, await client.ActiveSiloCountAsync());
    }
}
