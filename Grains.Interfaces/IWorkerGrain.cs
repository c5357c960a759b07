namespace NeuralProgrammer.Grains;

/// <summary>
/// Worker k of a job (key <c>{jobId}/{k}</c>, <see cref="WorkerKeys"/>): a model replica and its data, generated
/// where it is used from the spec and seed (docs/architecture.md 2.2 step 2). For update u it takes its slice of the
/// single-process minibatch of u, runs forward and backward off the Orleans scheduler and returns its mean gradient.
/// It holds no training state besides caches: the weights come with each request, so a re-activated worker (its
/// silo died, or it threw and deactivated itself) computes the same gradient on retry.
/// </summary>
[Alias("np.IWorkerGrain")]
public interface IWorkerGrain : IGrainWithStringKey
{
    [Alias("ComputeGradient")]
    Task<GradientReply> ComputeGradient(GradientRequest request);

    /// <summary>
    /// Builds the worker's training set, program memory and replica for <paramref name="assignment"/> ahead of its
    /// first gradient (which would build them otherwise), reporting how far it is a few times a second and once
    /// when ready. A replica already built answers ready at once.
    /// </summary>
    [Alias("Prepare")]
    IAsyncEnumerable<Preparation> Prepare(WorkerAssignment assignment, CancellationToken cancellation = default);
}

/// <summary>The grain keys of a job's workers: <c>{jobId}/{k}</c>.</summary>
public static class WorkerKeys
{
    public static string For(string jobId, int worker) => $"{jobId}/{worker}";
}

/// <summary>What worker <see cref="Worker"/> of <see cref="Workers"/> works on: the job's spec and the torch device.</summary>
[GenerateSerializer, Immutable, Alias("np.WorkerAssignment")]
public sealed record WorkerAssignment(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobSpec Spec,
    [property: Id(2)] int Worker,
    [property: Id(3)] int Workers,
    [property: Id(4)] string Device);

/// <summary>
/// One step's request: compute the gradient of version <see cref="Update"/>, pulling its weights from the job's
/// <see cref="Shards"/> parameter-server shards and pushing the gradient's slices back to them.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.GradientRequest")]
public sealed record GradientRequest(
    [property: Id(0)] WorkerAssignment Assignment,
    [property: Id(1)] long Update,
    [property: Id(2)] int Shards);

/// <summary>
/// A worker's answer, its gradient pushed to the shards: the example count and mean loss of its share, and where the
/// time went: <see cref="ComputeSeconds"/> on the compute thread (unpack, encode, forward, backward, pack),
/// <see cref="QueueSeconds"/> waiting for a compute thread, <see cref="PullSeconds"/> and <see cref="PushSeconds"/>
/// fetching the weights from and sending the gradient to every shard (in parallel).
/// </summary>
[GenerateSerializer, Immutable, Alias("np.GradientReply")]
public sealed record GradientReply(
    [property: Id(0)] int Worker,
    [property: Id(1)] long Update,
    [property: Id(3)] int ExampleCount,
    [property: Id(4)] double Loss,
    [property: Id(5)] double ComputeSeconds,
    [property: Id(6)] double QueueSeconds,
    [property: Id(7)] string Silo,
    [property: Id(8)] double PullSeconds,
    [property: Id(9)] double PushSeconds);
