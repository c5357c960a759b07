using Orleans.Concurrency;

namespace NeuralProgrammer.Grains;

/// <summary>
/// One training run on the cluster (docs/architecture.md 2.2), keyed by the job id. <see cref="Start"/> validates the spec,
/// initializes the parameter server and returns at once; the job then trains step by step from a grain timer, so the
/// query methods (marked <see cref="AlwaysInterleaveAttribute"/>) answer while it trains, and <see cref="Cancel"/>
/// waits at most for the step in flight. State, checkpoints (weights + Adam moments, every evaluation) and the result
/// are kept in grain storage <c>np</c>: a job whose silo dies resumes from its last checkpoint on its next activation
/// (any call to it, or its reminder where the silo has a reminder service).
/// </summary>
[Alias("np.ITrainingJobGrain")]
public interface ITrainingJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job. Throws <see cref="JobSpecException"/> naming every bad field, or <see cref="JobStateException"/> if the id is taken.</summary>
    [Alias("Start")]
    Task<JobStatus> Start(JobSpec spec);

    /// <summary>State, progress, errors and recoveries. Throws <see cref="JobNotFoundException"/> for an unknown id.</summary>
    [AlwaysInterleave, Alias("GetStatus")]
    Task<JobStatus> GetStatus();

    /// <summary>The latest progress numbers. Throws <see cref="JobNotFoundException"/> for an unknown id.</summary>
    [AlwaysInterleave, Alias("GetProgress")]
    Task<JobProgress> GetProgress();

    /// <summary>The spec as given to <see cref="Start"/>. Throws <see cref="JobNotFoundException"/> for an unknown id.</summary>
    [AlwaysInterleave, Alias("GetSpec")]
    Task<JobSpec> GetSpec();

    /// <summary>
    /// The result of a completed job. Throws <see cref="JobNotFoundException"/> for an unknown id and
    /// <see cref="JobStateException"/> while it runs, or if it failed (with the reason) or was cancelled.
    /// </summary>
    [AlwaysInterleave, Alias("GetResult")]
    Task<JobResult> GetResult();

    /// <summary>
    /// The latest checkpoint: weights and Adam moments at the latest evaluation (for a completed job, the trained
    /// model, for np export and np ask); null before the first evaluation. Throws <see cref="JobNotFoundException"/>
    /// for an unknown id.
    /// </summary>
    [AlwaysInterleave, Alias("GetCheckpoint")]
    Task<ModelCheckpoint?> GetCheckpoint();

    /// <summary>Stops a running job after its current step; a finished job is left as it is. Returns the status.</summary>
    [Alias("Cancel")]
    Task<JobStatus> Cancel();

    /// <summary>
    /// Live progress for <c>np watch</c>: the current progress at once, then one item per progress report (a few per
    /// second and one per evaluation), ending after the item that carries a final state.
    /// </summary>
    [Alias("Watch")]
    IAsyncEnumerable<JobProgress> Watch(CancellationToken cancellation = default);
}
