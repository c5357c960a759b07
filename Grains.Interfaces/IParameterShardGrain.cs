namespace NeuralProgrammer.Grains;

/// <summary>
/// Shard s of S of a job's parameter server (key <see cref="ShardKeys"/>; docs/architecture.md 2.2): it owns slice s of
/// the flat weights (<c>ParameterSlice.Of(s, S, N)</c>) and their Adam moments. In a step, each worker pulls the
/// slice's weights of version u (<see cref="Pull"/>) and pushes its gradient of the slice (<see cref="Push"/>); the
/// parameter server then asks every shard for the squared norm of its averaged gradient (<see cref="Reduce"/>) and has
/// each apply the update with the global norm (<see cref="Apply"/>). Its state lives in memory only: a shard that lost
/// it (its silo died) throws <see cref="ParameterServerStateException"/>, and the job resumes from its checkpoint.
/// </summary>
[Alias("np.IParameterShardGrain")]
public interface IParameterShardGrain : IGrainWithStringKey
{
    /// <summary>Sets up the slice from the seed's initial weights, or from the checkpoint's slice.</summary>
    [Alias("Initialize")]
    Task Initialize(ShardInit init);

    /// <summary>The slice's weights of version <paramref name="version"/> in the job's wire format.</summary>
    [Alias("Pull")]
    Task<WeightsMessage> Pull(long version);

    /// <summary>A worker's mean gradient of the slice for version <see cref="ShardGradient.Version"/> (a retried worker's replaces its first).</summary>
    [Alias("Push")]
    Task Push(ShardGradient gradient);

    /// <summary>Averages the gradients of the version's <paramref name="workers"/> workers by example count; returns the average's squared norm.</summary>
    [Alias("Reduce")]
    Task<double> Reduce(long version, int workers);

    /// <summary>Clips the averaged gradient by <paramref name="globalNorm"/> (the whole vector's), adds the slice's noise, applies Adam.</summary>
    [Alias("Apply")]
    Task<UpdateReport> Apply(long version, double globalNorm);

    /// <summary>The slice's weights and Adam moments (float32) and its update count.</summary>
    [Alias("GetCheckpoint")]
    Task<ModelCheckpoint> GetCheckpoint();

    /// <summary>Frees the slice and lets the activation go.</summary>
    [Alias("Release")]
    Task Release();
}

/// <summary>The grain keys of a job's parameter-server shards: <c>{jobId}/shard/{s}</c>.</summary>
public static class ShardKeys
{
    public static string For(string jobId, int shard) => $"{jobId}/shard/{shard}";
}

/// <summary>Shard <see cref="Shard"/> of <see cref="Shards"/> of a job, from the seed's weights or its slice of a checkpoint.</summary>
[GenerateSerializer, Immutable, Alias("np.ShardInit")]
public sealed record ShardInit(
    [property: Id(0)] WorkerAssignment Job,
    [property: Id(1)] int Shard,
    [property: Id(2)] int Shards,
    [property: Id(3)] ModelCheckpoint? Checkpoint);

/// <summary>
/// Worker <see cref="Worker"/>'s mean gradient over its <see cref="ExampleCount"/> examples, of one shard's slice,
/// packed in the job's wire format. Immutable: a shard on the worker's silo keeps the worker's array, which the worker
/// reuses only for the next version, after the shard has applied this one.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.ShardGradient")]
public sealed record ShardGradient(
    [property: Id(0)] long Version,
    [property: Id(1)] int Worker,
    [property: Id(2)] byte[] Gradient,
    [property: Id(3)] int ExampleCount);
