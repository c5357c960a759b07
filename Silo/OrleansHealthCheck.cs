using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NeuralProgrammer.Silo;

/// <summary>Healthy while this silo is an Active member of its cluster; unhealthy while joining, shutting down or declared dead.</summary>
public sealed class OrleansHealthCheck(IClusterMembershipService membership, ILocalSiloDetails localSilo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {localSilo.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {localSilo.SiloAddress} is {status}"));
    }
}
