using Orleans.Concurrency;

namespace NeuralProgrammer.Grains;

/// <summary>
/// A hyperparameter sweep (docs/architecture.md 2.2, Sweeps), keyed by the sweep id. <see cref="Start"/> validates the
/// spec, plans the trials and returns at once; a grain timer then starts trials as training jobs
/// (<c>{sweepId}/trial-{n}</c>, placed by Orleans over the silos) up to the concurrency limit, polls them, stops bad
/// ones early and starts the next. Queries are <see cref="AlwaysInterleaveAttribute"/>: they answer while the sweep
/// runs. The sweep's state is in grain storage <c>np</c>; when its silo dies, the next call to it (any query) or its
/// resume reminder (where the silo has a reminder service) re-activates it elsewhere, and it goes on polling the
/// trials it had started: a trial that completed is never run again.
/// </summary>
[Alias("np.ISweepGrain")]
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the sweep. Throws <see cref="SweepSpecException"/> naming every bad field, or
    /// <see cref="SweepStateException"/> if the id is taken.
    /// </summary>
    [Alias("Start")]
    Task<SweepStatus> Start(SweepSpec spec);

    /// <summary>Counts by state, the best trial so far and the steps run. Throws <see cref="SweepNotFoundException"/> for an unknown id.</summary>
    [AlwaysInterleave, Alias("GetStatus")]
    Task<SweepStatus> GetStatus();

    /// <summary>The results table (one row per trial) with the status; readable while the sweep runs and after.</summary>
    [AlwaysInterleave, Alias("GetResults")]
    Task<SweepResults> GetResults();

    /// <summary>The spec as given to <see cref="Start"/>.</summary>
    [AlwaysInterleave, Alias("GetSpec")]
    Task<SweepSpec> GetSpec();

    /// <summary>Cancels the running trials and drops the queued ones; a finished sweep is left as it is. Returns the status.</summary>
    [Alias("Cancel")]
    Task<SweepStatus> Cancel();
}
