namespace NeuralProgrammer.Silo;

/// <summary>
/// Logs every peer certificate that <see cref="TlsPeerCheck"/> refuses and, while this silo is still joining, ends
/// its start on the first refusal of a certificate presented by a silo it connected to: the cluster's members present
/// a certificate this silo does not accept, so it can never join. Without this, Orleans would keep validating
/// connectivity until the members evict the silo (about 45 s) and then stop it with a fatal "I have been told I am
/// dead". Refusals of nodes that connect to this silo are only logged: there the other node is the wrong one.
/// </summary>
public sealed partial class TlsJoinGuard : ILifecycleParticipant<ISiloLifecycle>
{
    readonly IHostApplicationLifetime lifetime;
    readonly ILogger<TlsJoinGuard> logger;
    volatile bool active;

    /// <summary>The refusal that ended this silo's start, if one did.</summary>
    public TlsRefusal? JoinRefusal { get; private set; }

    public TlsJoinGuard(TlsPeerCheck check, IHostApplicationLifetime lifetime, ILogger<TlsJoinGuard> logger)
    {
        (this.lifetime, this.logger) = (lifetime, logger);
        check.Refused += OnRefused;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TlsJoinGuard), ServiceLifecycleStage.Active, _ =>
        {
            active = true;
            return Task.CompletedTask;
        });

    void OnRefused(TlsRefusal refusal)
    {
        if (refusal.Outbound && !active && JoinRefusal is null)
        {
            JoinRefusal = refusal;
            LogJoinRefused(logger, refusal.Message);
            lifetime.StopApplication();
        }
        else LogRefused(logger, refusal.Message);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "This silo cannot join the cluster and stops: {Refusal}")]
    static partial void LogJoinRefused(ILogger logger, string refusal);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Refusal}")]
    static partial void LogRefused(ILogger logger, string refusal);
}
