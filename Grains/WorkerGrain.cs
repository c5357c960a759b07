using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains;

/// <summary>
/// A worker (docs/architecture.md 2.2): a model replica and the job's training set, built from the assignment on
/// <see cref="Prepare"/> or on the first gradient request, whichever comes first; forward/backward on
/// <see cref="ComputePool"/>. When a computation throws, the worker deactivates itself before rethrowing, so that
/// the parameter server's retry meets a fresh activation.
/// </summary>
public sealed partial class WorkerGrain : Grain, IWorkerGrain
{
    static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(200);

    readonly ILogger<WorkerGrain> logger;
    readonly string silo;
    // Set and read on the grain's scheduler; the replica it yields is used on compute threads, one call at a time.
    Task<Replica>? replica;
    WorkerAssignment? assigned;
    // Written by the build on its compute thread, read by Prepare's reports.
    volatile PreparationPhase phase;

    public WorkerGrain(ILogger<WorkerGrain> logger, ILocalSiloDetails siloDetails, IOptions<TorchOptions> torch, IOptions<TrainingJobOptions> options)
    {
        this.logger = logger;
        silo = siloDetails.SiloAddress.ToString();
        simulatedCompute = options.Value.SimulatedCompute;
        ComputePool.Configure(torch.Value);
    }

    /// <summary>The planning bench's fixed delay in place of forward/backward (<see cref="TrainingJobOptions.SimulatedCompute"/>); null trains.</summary>
    readonly TimeSpan? simulatedCompute;

    public async Task<GradientReply> ComputeGradient(GradientRequest request)
    {
        var assignment = request.Assignment;
        CheckKey(assignment);
        if (request.Shards < 1) throw new ArgumentException($"A gradient request needs at least one parameter-server shard, not {request.Shards}.");
        var shards = Enumerable.Range(0, request.Shards).Select(s => GrainFactory.GetGrain<IParameterShardGrain>(ShardKeys.For(assignment.JobId, s))).ToArray();
        // A failed pull or push (a shard's silo died) leaves this replica fine: the server retries, or resumes the job.
        long pulling = Stopwatch.GetTimestamp();
        var weights = await Task.WhenAll(shards.Select(s => s.Pull(request.Update)));
        var pull = Stopwatch.GetElapsedTime(pulling);

        var (count, loss, gradients, compute, queue) = simulatedCompute is { } delay ? await Simulate(assignment, weights, delay) : await Compute(request, weights);

        long pushing = Stopwatch.GetTimestamp();
        await Task.WhenAll(shards.Select((shard, s) => shard.Push(new ShardGradient(request.Update, assignment.Worker, gradients[s], count))));
        return new GradientReply(assignment.Worker, request.Update, count, loss, compute.TotalSeconds, queue.TotalSeconds, silo,
            pull.TotalSeconds, Stopwatch.GetElapsedTime(pushing).TotalSeconds);
    }

    /// <summary>Sets the pulled weights, computes the gradient of this worker's share of the update and packs its slices.</summary>
    async Task<(int Count, double Loss, byte[][] Gradients, TimeSpan Compute, TimeSpan Queue)> Compute(GradientRequest request, WeightsMessage[] weights)
    {
        var assignment = request.Assignment;
        try
        {
            var built = ReplicaFor(assignment);
            var building = built.IsCompleted ? TimeSpan.Zero : await Elapsed(built);
            var ready = await built;
            long queued = Stopwatch.GetTimestamp();
            return await ComputePool.Run(() =>
            {
                var queue = Stopwatch.GetElapsedTime(queued);
                long started = Stopwatch.GetTimestamp();
                var transport = ready.Spec.Transport;
                long parameters = ParameterVector.Count(ready.Network);
                for (int s = 0; s < weights.Length; s++) ready.SetWeights(weights[s].Weights, transport, ParameterSlice.Of(s, weights.Length, parameters));
                using var result = ready.Compute(request.Update, worker: assignment.Worker, workers: assignment.Workers);
                var gradients = GradientBuffers(weights.Length, parameters, transport);
                for (int s = 0; s < gradients.Length; s++)
                {
                    var slice = ParameterSlice.Of(s, gradients.Length, parameters);
                    using var part = result.Gradient.narrow(0, slice.Offset, slice.Count);
                    ParameterVector.CopyTo(part, gradients[s], transport);
                }
                // A replica built for this call counts as this step's compute, as it would in one process.
                return (result.ExampleCount, result.Loss, gradients, Stopwatch.GetElapsedTime(started) + building, queue);
            });
        }
        catch (Exception exception)
        {
            LogComputeFailed(exception, this.GetPrimaryKeyString(), request.Update);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// <see cref="TrainingJobOptions.SimulatedCompute"/>: waits <paramref name="delay"/> without a thread, then answers zero
    /// gradients of the pulled slices' sizes (the job's wire format) and worker k's share of the batch B,
    /// ⌊(k+1)B/K⌋ − ⌊kB/K⌋ examples, as <see cref="MinibatchSchedule"/> gives it.
    /// </summary>
    async Task<(int Count, double Loss, byte[][] Gradients, TimeSpan Compute, TimeSpan Queue)> Simulate(WorkerAssignment assignment, WeightsMessage[] weights, TimeSpan delay)
    {
        long started = Stopwatch.GetTimestamp();
        await Task.Delay(delay);
        var spec = Spec(assignment);
        long batch = spec.HyperParameters.BatchSize;
        int count = (int)(batch * (assignment.Worker + 1) / assignment.Workers - batch * assignment.Worker / assignment.Workers);
        int bytesPerValue = spec.Transport.BytesPerValue();
        long parameters = weights.Sum(w => (long)w.Weights.Length) / bytesPerValue;
        return (count, 0, GradientBuffers(weights.Length, parameters, spec.Transport), Stopwatch.GetElapsedTime(started), TimeSpan.Zero);
    }

    /// <summary>
    /// The reply's gradient slices, one array per shard and activation: the shards have applied the previous version's
    /// gradients before the server asks for the next (it applies every update first), and a push to another silo is
    /// serialized as it is sent.
    /// </summary>
    byte[][] GradientBuffers(int shards, long parameters, WireFormat transport)
    {
        if (gradientBytes?.Length != shards || gradientBytes.Select((b, s) => b.Length != ParameterSlice.Of(s, shards, parameters).Count * transport.BytesPerValue()).Any(wrong => wrong))
            gradientBytes = Enumerable.Range(0, shards).Select(s => new byte[ParameterSlice.Of(s, shards, parameters).Count * transport.BytesPerValue()]).ToArray();
        return gradientBytes;
    }

    byte[][]? gradientBytes; // on compute threads (simulated compute: the grain's turn), one call at a time

    public async IAsyncEnumerable<Preparation> Prepare(WorkerAssignment assignment, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        CheckKey(assignment);
        if (simulatedCompute is not null)
        {
            yield return new Preparation(PreparationPhase.Ready, 0, 0, 1, 1, 0, null); // nothing to build
            yield break;
        }
        long started = Stopwatch.GetTimestamp();
        var built = ReplicaFor(assignment);
        var spec = Spec(assignment);
        while (!built.IsCompleted)
        {
            var search = phase == PreparationPhase.ProgramSearch ? DatasetCache.Search(spec) : null;
            yield return new Preparation(phase, search?.Searched ?? 0, search?.Groups ?? 0, 0, 1, Stopwatch.GetElapsedTime(started).TotalSeconds, null);
            await Task.WhenAny(built, Task.Delay(ReportInterval, cancellation));
            cancellation.ThrowIfCancellationRequested();
        }
        var ready = await built;
        int groups = ready.Memory?.Questions ?? 0;
        yield return new Preparation(PreparationPhase.Ready, groups, groups, 1, 1, Stopwatch.GetElapsedTime(started).TotalSeconds, ready.Memory?.ToString());
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (replica is not { } built) return;
        replica = null;
        await ((Task)built).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.SuppressThrowing);
        Release(built, assigned!);
    }

    void CheckKey(WorkerAssignment assignment)
    {
        var key = this.GetPrimaryKeyString();
        if (key != WorkerKeys.For(assignment.JobId, assignment.Worker))
            throw new ArgumentException($"Worker grain '{key}' was sent the assignment of worker {assignment.Worker} of job '{assignment.JobId}'.");
    }

    /// <summary>The replica of <paramref name="assignment"/>: the one built or being built, or a new build on a compute thread.</summary>
    Task<Replica> ReplicaFor(WorkerAssignment assignment)
    {
        if (replica is { IsFaulted: false, IsCanceled: false } current && Fits(assignment)) return current;
        var (previous, previousAssignment) = (replica, assigned);
        assigned = assignment;
        phase = PreparationPhase.TrainingSet;
        replica = ComputePool.Run(() =>
        {
            if (previous is not null)
            {
                ((IAsyncResult)previous).AsyncWaitHandle.WaitOne(); // a build still running on another compute thread
                Release(previous, previousAssignment!);
            }
            var spec = Spec(assignment);
            var trainingSet = DatasetCache.Training(spec);
            phase = PreparationPhase.ProgramSearch;
            var memory = DatasetCache.Memory(spec, trainingSet);
            phase = PreparationPhase.Replica;
            var built = new Replica(spec, trainingSet, memory, TorchDevice.Resolve(assignment.Device));
            GrainMetrics.WorkersActive.Add(1, GrainMetrics.Job(assignment.JobId));
            phase = PreparationPhase.Ready;
            return built;
        });
        return replica;
    }

    static TrainingSpec Spec(WorkerAssignment assignment) => JobSpecs.ToTrainingSpec(assignment.Spec) with { Device = assignment.Device };

    static async Task<TimeSpan> Elapsed(Task building)
    {
        long started = Stopwatch.GetTimestamp();
        try { await building; } catch { /* the caller awaits it again and meets the error */ }
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Frees a finished build's replica (a failed build has none).</summary>
    static void Release(Task<Replica> built, WorkerAssignment assignment)
    {
        if (!built.IsCompletedSuccessfully) return;
        built.Result.Dispose();
        GrainMetrics.WorkersActive.Add(-1, GrainMetrics.Job(assignment.JobId));
    }

    bool Fits(WorkerAssignment other) =>
        assigned is { } a && other.JobId == a.JobId && other.Worker == a.Worker && other.Workers == a.Workers && other.Device == a.Device;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} failed update {Update}; deactivating so that the retry gets a fresh activation")]
    partial void LogComputeFailed(Exception exception, string worker, long update);
}

