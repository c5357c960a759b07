namespace NeuralProgrammer.Grains;

/// <summary>
/// A job's parameter server (key: the job id; placed on the job grain's silo). Its weights and Adam's moments, versioned
/// by the update count u, live in S shards (<see cref="IParameterShardGrain"/>), each owning a slice. <see cref="Step"/>
/// runs one synchronous data-parallel update: it asks the K workers in parallel for their gradients of version u (each
/// pulls the weights from every shard and pushes its gradient's slices back), retries a failed worker (a bounded
/// number of times, the retry landing on a fresh activation), then has the shards average the gradients weighted by
/// example count, clip by the global norm, add the seeded noise of update u, apply Adam and bump the version. The state
/// lives in memory only; the job grain checkpoints it (<see cref="GetCheckpoint"/>) and re-initializes it from the
/// checkpoint when it, or a shard, was lost (<see cref="ParameterServerStateException"/>).
/// </summary>
[Alias("np.IParameterServerGrain")]
public interface IParameterServerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets up the job's model and its shards from the seed's initial weights, or from a checkpoint (of any shard
    /// count). Returns the parameter count.
    /// </summary>
    [Alias("Initialize")]
    Task<long> Initialize(ParameterServerInit init);

    /// <summary>
    /// Has every worker build its data, program memory and replica (placed as <see cref="Step"/> places them), and
    /// reports the least advanced one's progress as it goes, ending with all ready. A worker that fails here is
    /// met again, and retried, by the first step.
    /// </summary>
    [Alias("Prepare")]
    IAsyncEnumerable<Preparation> Prepare(CancellationToken cancellation = default);

    /// <summary>
    /// Runs update <paramref name="expectedUpdate"/> (the version the caller believes current). Throws
    /// <see cref="ParameterServerStateException"/> when the server is elsewhere (lost, or never initialized), and
    /// <see cref="WorkerFailedException"/> when a worker failed past its retry budget. Asking again for the update just
    /// applied returns the same report without applying it twice.
    /// </summary>
    [Alias("Step")]
    Task<StepReport> Step(long expectedUpdate);

    /// <summary>Weights, Adam moments and update count, for the job's checkpoint.</summary>
    [Alias("GetCheckpoint")]
    Task<ModelCheckpoint> GetCheckpoint();

    /// <summary>
    /// Hard-selection evaluation of the current weights on the job's test set, and on its validation set when it has
    /// one. Its timeout is long: text match 5's 3,000 examples took 25 s on average with three jobs sharing two cores,
    /// and a call that outlived the default 30 s made the job rebuild a healthy server and redo its last updates.
    /// </summary>
    [Alias("Evaluate"), ResponseTimeout("00:10:00")]
    Task<EvaluationReport> Evaluate(int programSamples);

    /// <summary>Hard-selection evaluation of the current weights on the job's real-data test set (ties, repeated values).</summary>
    [Alias("EvaluateOnRealData"), ResponseTimeout("00:10:00")]
    Task<EvaluationReport> EvaluateOnRealData();

    /// <summary>Frees the model and lets the activation go (the job is over).</summary>
    [Alias("Release")]
    Task Release();
}

/// <summary>How to set up a parameter server: the job, its workers' device, and the checkpoint to start from (null: the seed's initial weights).</summary>
[GenerateSerializer, Immutable, Alias("np.ParameterServerInit")]
public sealed record ParameterServerInit(
    [property: Id(0)] WorkerAssignment Job,
    [property: Id(1)] ModelCheckpoint? Checkpoint);

/// <summary>A model's training state: weights and Adam's two moments (packed float32) after <see cref="Update"/> updates.</summary>
[GenerateSerializer, Immutable, Alias("np.ModelCheckpoint")]
public sealed record ModelCheckpoint(
    [property: Id(0)] long Update,
    [property: Id(1)] byte[] Weights,
    [property: Id(2)] byte[] FirstMoment,
    [property: Id(3)] byte[] SecondMoment);

/// <summary>
/// A shard's weights of <see cref="Version"/>, packed in the job's wire format. Immutable: a worker on the shard's silo
/// gets the shard's own array, which the shard overwrites only with the next version, after every worker has answered.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.WeightsMessage")]
public sealed record WeightsMessage(
    [property: Id(0)] long Version,
    [property: Id(1)] byte[] Weights);

/// <summary>One shard's applied update: the new version, the gradient's global norm before clipping, the noise σ, the update's time and the shard's silo.</summary>
[GenerateSerializer, Immutable, Alias("np.UpdateReport")]
public sealed record UpdateReport(
    [property: Id(0)] long Version,
    [property: Id(1)] double GradientNorm,
    [property: Id(2)] double NoiseStandardDeviation,
    [property: Id(3)] double Seconds,
    [property: Id(4)] string Silo);

/// <summary>
/// One data-parallel step as the parameter server saw it. The critical worker is the one that took longest from
/// receiving its request to finishing its computation: <see cref="WorkerComputeSeconds"/> is its computation and
/// <see cref="WorkerQueueSeconds"/> its wait for a free compute thread (K workers sharing fewer cores).
/// <see cref="UpdateSeconds"/> is the slowest shard's averaging and update. The three together are the step's compute;
/// <see cref="WallSeconds"/> is the whole step inside the server (the job adds its own call to it).
/// </summary>
[GenerateSerializer, Immutable, Alias("np.StepReport")]
public sealed record StepReport(
    [property: Id(0)] long Update,
    [property: Id(1)] double Loss,
    [property: Id(2)] int ExampleCount,
    [property: Id(3)] double GradientNorm,
    [property: Id(4)] double NoiseStandardDeviation,
    [property: Id(5)] double WorkerComputeSeconds,
    [property: Id(6)] double UpdateSeconds,
    [property: Id(7)] double WallSeconds,
    [property: Id(8)] int Retries,
    [property: Id(9)] string[] WorkerSilos,
    /// <summary>Why the latest retried worker call failed (null without retries).</summary>
    [property: Id(10)] string? RetryCause,
    [property: Id(11)] double WorkerQueueSeconds,
    /// <summary>Where the parameter-server shards ran, shard s at index s.</summary>
    [property: Id(12)] string[] ShardSilos);

/// <summary>Test-set accuracy overall and per category, with a few induced programs.</summary>
[GenerateSerializer, Immutable, Alias("np.EvaluationReport")]
public sealed record EvaluationReport(
    [property: Id(0)] long Update,
    [property: Id(1)] double Accuracy,
    [property: Id(2)] int Correct,
    [property: Id(3)] int Total,
    [property: Id(4)] Dictionary<string, double> CategoryAccuracy,
    [property: Id(5)] ProgramSampleInfo[] Programs,
    [property: Id(6)] double Seconds)
{
    /// <summary>Accuracy on the job's validation set (null without one).</summary>
    [Id(7)] public double? ValidationAccuracy { get; init; }
}
