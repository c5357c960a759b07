using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using Orleans.Placement;
using Orleans.Runtime.Placement;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Grains;

/// <summary>
/// The parameter server of one job (docs/architecture.md 2.2 step 3), on the job grain's silo: it coordinates the steps
/// and holds no weights; S shards (<see cref="ParameterShardGrain"/>) do. Workers and shards are spread over the
/// active silos: the call that activates worker k (shard s) carries the placement hint "silo (i + k) mod n" ((i + s)
/// mod n; silos in address order, i this server's own), so worker 0 and shard 0 share the server's silo (no
/// serialization of their weights and gradients), a job uses every machine, and a worker or shard re-activated after
/// its silo died lands on a live one. It records each worker's compute and queue time (<see cref="GrainMetrics"/>);
/// the shards record their bytes and update time. Evaluation runs here, on the weights gathered from the shards.
/// </summary>
[PreferLocalPlacement]
public sealed partial class ParameterServerGrain : Grain, IParameterServerGrain
{
    /// <summary>
    /// The most payload one shard should move per step when the job leaves S to us: the weights out and the gradient in
    /// for every worker, 2·K·N·b / S bytes (b bytes a value). 20 MB is four workers of the single-column model in float32.
    /// </summary>
    public const long ShardTrafficPerStep = 20_000_000;

    readonly ILogger<ParameterServerGrain> logger;
    readonly TrainingJobOptions options;
    readonly IClusterMembershipService membership;
    readonly SiloAddress localSilo;
    Server? server;
    StepReport? lastStep;

    public ParameterServerGrain(ILogger<ParameterServerGrain> logger, IOptions<TrainingJobOptions> options,
        IClusterMembershipService membership, ILocalSiloDetails siloDetails, IOptions<TorchOptions> torch)
    {
        this.logger = logger;
        this.options = options.Value;
        this.membership = membership;
        localSilo = siloDetails.SiloAddress;
        ComputePool.Configure(torch.Value);
    }

    /// <summary>
    /// S for a job that gives none (<c>Shards</c> = 0): the fewest shards that keep each one's traffic within
    /// <see cref="ShardTrafficPerStep"/>, at most one per silo (more shards than machines adds calls, not bandwidth).
    /// </summary>
    public static int ChooseShards(int workers, long parameters, int bytesPerValue, int silos)
    {
        long traffic = 2L * workers * parameters * bytesPerValue;
        return (int)Math.Clamp((traffic + ShardTrafficPerStep - 1) / ShardTrafficPerStep, 1, Math.Max(1, silos));
    }

    public async Task<long> Initialize(ParameterServerInit init)
    {
        var previous = server;
        server = null;
        lastStep = null;
        var created = await ComputePool.Run(() =>
        {
            previous?.Dispose();
            return new Server(init);
        });
        var silos = ActiveSilos();
        int shards = created.Spec.Shards > 0 ? created.Spec.Shards : ChooseShards(init.Job.Workers, created.ParameterCount, created.Spec.Transport.BytesPerValue(), silos.Length);
        var checkpoint = init.Checkpoint;
        if (checkpoint is not null) Check(checkpoint, created.ParameterCount);
        await Task.WhenAll(Enumerable.Range(0, shards).Select(s =>
        {
            Place(s, silos);
            try
            {
                return Shard(init.Job.JobId, s).Initialize(new ShardInit(init.Job, s, shards, checkpoint is null ? null : Slice(checkpoint, ParameterSlice.Of(s, shards, created.ParameterCount))));
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }));
        // Shards of a previous activation with a larger S hold slices nobody asks for any more.
        if (previous is not null)
            for (int s = shards; s < previous.Shards; s++) _ = Shard(init.Job.JobId, s).Release();
        created.Shards = shards;
        created.Updates = checkpoint?.Update ?? 0;
        server = created;
        LogInitialized(this.GetPrimaryKeyString(), created.Updates, created.ParameterCount, shards);
        return created.ParameterCount;
    }

    static void Check(ModelCheckpoint checkpoint, long parameters)
    {
        foreach (var (name, bytes) in new[] { (nameof(checkpoint.Weights), checkpoint.Weights), (nameof(checkpoint.FirstMoment), checkpoint.FirstMoment), (nameof(checkpoint.SecondMoment), checkpoint.SecondMoment) })
            if (bytes.Length != parameters * sizeof(float))
                throw new InvalidDataException($"Checkpoint {name} holds {bytes.Length / sizeof(float):N0} values; this model has {parameters:N0} parameters.");
    }

    static ModelCheckpoint Slice(ModelCheckpoint checkpoint, ParameterSlice slice) =>
        new(checkpoint.Update, slice.Of(checkpoint.Weights, sizeof(float)).ToArray(), slice.Of(checkpoint.FirstMoment, sizeof(float)).ToArray(),
            slice.Of(checkpoint.SecondMoment, sizeof(float)).ToArray());

    public async IAsyncEnumerable<Preparation> Prepare([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var assignment = (server ?? throw NotInitialized()).Assignment;
        long started = Stopwatch.GetTimestamp();
        var silos = ActiveSilos();
        var latest = new Preparation?[assignment.Workers];
        var reports = Channel.CreateUnbounded<bool>();
        var workers = Enumerable.Range(0, latest.Length).Select(async k =>
        {
            Place(k, silos);
            await foreach (var report in Worker(assignment, k).Prepare(assignment with { Worker = k }, cancellation).WithCancellation(cancellation))
            {
                latest[k] = report;
                reports.Writer.TryWrite(true);
            }
        }).ToArray();
        _ = Task.WhenAll(workers).ContinueWith(all => reports.Writer.TryComplete(all.Exception?.GetBaseException()), TaskScheduler.Default);
        await foreach (var _ in reports.Reader.ReadAllAsync(cancellation))
        {
            // Every worker reports at once when called: from then on, the least advanced one is known.
            if (latest.Any(p => p is null)) continue;
            var slowest = Slowest(latest!, Stopwatch.GetElapsedTime(started).TotalSeconds);
            yield return slowest;
            if (slowest.Phase == PreparationPhase.Ready) break; // the other workers' last reports may still be queued
        }
        await Task.WhenAll(workers); // a worker's failure surfaces here
    }

    /// <summary>The least advanced of the workers' preparations.</summary>
    static Preparation Slowest(IReadOnlyList<Preparation> heard, double seconds)
    {
        var phase = heard.Min(p => p.Phase);
        var search = phase switch
        {
            PreparationPhase.ProgramSearch => heard.Where(p => p.Phase == PreparationPhase.ProgramSearch)
                .MinBy(p => p.Groups == 0 ? 0 : (double)p.Searched / p.Groups) is { } slowest ? (slowest.Searched, slowest.Groups) : (0, 0),
            > PreparationPhase.ProgramSearch => (heard.Max(p => p.Groups), heard.Max(p => p.Groups)),
            _ => (0, 0),
        };
        return new Preparation(phase, search.Item1, search.Item2, heard.Count(p => p.Phase == PreparationPhase.Ready), heard.Count, seconds,
            heard.Select(p => p.Memory).FirstOrDefault(m => m is not null));
    }

    public async Task<StepReport> Step(long expectedUpdate)
    {
        var current = Require(expectedUpdate, out var repeat);
        if (repeat is not null) return repeat;

        long started = Stopwatch.GetTimestamp();
        var silos = ActiveSilos();
        int retries = 0;
        string? retryCause = null;
        var calls = new Task<GradientReply>[current.Assignment.Workers];
        for (int k = 0; k < calls.Length; k++) calls[k] = CallWorker(k);
        var replies = await Task.WhenAll(calls);

        UpdateReport[] updates;
        try
        {
            var shards = Enumerable.Range(0, current.Shards).Select(s => Shard(current.Assignment.JobId, s)).ToArray();
            var squaredNorms = await Task.WhenAll(shards.Select(s => s.Reduce(expectedUpdate, replies.Length)));
            double globalNorm = Math.Sqrt(squaredNorms.Sum());
            updates = await Task.WhenAll(shards.Select(s => s.Apply(expectedUpdate, globalNorm)));
        }
        catch
        {
            server = null; // some shards may have applied the update and others not: only a checkpoint makes them one model again
            throw;
        }
        current.Updates = expectedUpdate + 1;
        double loss = replies.Sum(r => r.Loss * r.ExampleCount) / Math.Max(1, replies.Sum(r => r.ExampleCount));
        var critical = replies.MaxBy(r => r.ComputeSeconds + r.QueueSeconds)!;
        lastStep = new StepReport(current.Updates, loss, replies.Sum(r => r.ExampleCount), updates[0].GradientNorm, updates[0].NoiseStandardDeviation,
            critical.ComputeSeconds, updates.Max(u => u.Seconds), Stopwatch.GetElapsedTime(started).TotalSeconds, retries,
            replies.Select(r => r.Silo).ToArray(), retryCause, critical.QueueSeconds, updates.Select(u => u.Silo).ToArray());
        return lastStep;

        async Task<GradientReply> CallWorker(int k)
        {
            var worker = Worker(current.Assignment, k);
            var request = new GradientRequest(current.Assignment with { Worker = k }, expectedUpdate, current.Shards);
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    Place(k, silos);
                    var reply = await worker.ComputeGradient(request);
                    RecordReply(current.Assignment.JobId, reply);
                    return reply;
                }
                catch (Exception exception) when (exception is not (WorkerFailedException or ParameterServerStateException))
                {
                    if (attempt >= options.WorkerAttempts) throw new WorkerFailedException(k, expectedUpdate, attempt, exception);
                    Interlocked.Increment(ref retries);
                    retryCause = $"worker {k}, attempt {attempt}: {exception.GetType().Name}: {exception.Message}";
                    LogWorkerRetry(exception, this.GetPrimaryKeyString(), k, expectedUpdate, attempt);
                    var delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryDelay.Ticks << Math.Min(attempt - 1, 20)));
                    await Task.Delay(delay);
                    silos = ActiveSilos();
                }
                finally
                {
                    RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                }
            }
        }
    }

    static void RecordReply(string jobId, GradientReply reply)
    {
        var worker = GrainMetrics.Worker(jobId, reply.Worker);
        GrainMetrics.WorkerCompute.Record(reply.ComputeSeconds, worker);
        GrainMetrics.WorkerQueue.Record(reply.QueueSeconds, worker);
    }

    public async Task<ModelCheckpoint> GetCheckpoint()
    {
        var current = server ?? throw NotInitialized();
        if (current.Gathered is { } gathered && gathered.Update == current.Updates) return gathered;
        var slices = await Task.WhenAll(Enumerable.Range(0, current.Shards).Select(s => Shard(current.Assignment.JobId, s).GetCheckpoint()));
        if (slices.FirstOrDefault(c => c.Update != current.Updates) is { } behind)
            throw new ParameterServerStateException($"A shard of parameter server '{this.GetPrimaryKeyString()}' is at update {behind.Update}, not {current.Updates}.", current.Updates);
        return current.Gathered = new ModelCheckpoint(current.Updates, Concatenate(slices.Select(c => c.Weights)), Concatenate(slices.Select(c => c.FirstMoment)),
            Concatenate(slices.Select(c => c.SecondMoment)));
    }

    static byte[] Concatenate(IEnumerable<byte[]> slices)
    {
        var parts = slices.ToList();
        var whole = GC.AllocateUninitializedArray<byte>(parts.Sum(p => p.Length));
        int at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(whole, at);
            at += part.Length;
        }
        return whole;
    }

    public async Task<EvaluationReport> Evaluate(int programSamples)
    {
        var current = server ?? throw NotInitialized();
        var weights = (await GetCheckpoint()).Weights;
        return await ComputePool.Run(() =>
        {
            var report = current.Evaluate(weights, DatasetCache.Test(current.Spec), programSamples);
            var validation = DatasetCache.Validation(current.Spec);
            return validation.Count == 0 ? report : report with { ValidationAccuracy = current.Evaluate(weights, validation, programSamples: 0).Accuracy };
        });
    }

    public async Task<EvaluationReport> EvaluateOnRealData()
    {
        var current = server ?? throw NotInitialized();
        var weights = (await GetCheckpoint()).Weights;
        return await ComputePool.Run(() => current.Evaluate(weights, DatasetCache.RealDataTest(current.Spec), programSamples: 0));
    }

    public async Task Release()
    {
        var current = server;
        server = null;
        lastStep = null;
        if (current is not null)
        {
            await Task.WhenAll(Enumerable.Range(0, current.Shards).Select(s => Shard(current.Assignment.JobId, s).Release()));
            await ComputePool.Run(current.Dispose);
        }
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var current = server;
        server = null;
        if (current is not null) await ComputePool.Run(current.Dispose);
    }

    Server Require(long expectedUpdate, out StepReport? repeat)
    {
        repeat = null;
        var current = server ?? throw NotInitialized();
        if (current.Updates == expectedUpdate + 1 && lastStep?.Update == expectedUpdate + 1)
        {
            repeat = lastStep; // the caller did not hear the answer: give it again rather than apply twice
            return current;
        }
        if (current.Updates != expectedUpdate)
            throw new ParameterServerStateException(
                $"Parameter server '{this.GetPrimaryKeyString()}' is at update {current.Updates}, not {expectedUpdate}.", current.Updates);
        return current;
    }

    ParameterServerStateException NotInitialized() =>
        new($"Parameter server '{this.GetPrimaryKeyString()}' holds no model (it was never initialized, it was re-activated after its silo died, or a shard failed).", -1);

    IWorkerGrain Worker(WorkerAssignment job, int k) => GrainFactory.GetGrain<IWorkerGrain>(WorkerKeys.For(job.JobId, k));

    IParameterShardGrain Shard(string jobId, int s) => GrainFactory.GetGrain<IParameterShardGrain>(ShardKeys.For(jobId, s));

    /// <summary>Where worker or shard <paramref name="index"/> goes if this call activates it: silo (i + index) mod n, i being this server's own.</summary>
    void Place(int index, SiloAddress[] silos)
    {
        if (silos.Length > 0) RequestContext.Set(IPlacementDirector.PlacementHintKey, silos[(index + Math.Max(0, Array.IndexOf(silos, localSilo))) % silos.Length]);
    }

    SiloAddress[] ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();

    [LoggerMessage(Level = LogLevel.Information, Message = "Parameter server {Job} initialized at update {Update} ({Parameters} parameters in {Shards} shards)")]
    partial void LogInitialized(string job, long update, long parameters, int shards);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: worker {Worker} failed update {Update} (attempt {Attempt}); retrying")]
    partial void LogWorkerRetry(Exception exception, string job, int worker, long update, int attempt);

    /// <summary>What the parameter server knows of its job: the spec, the shards, the version; and a network to evaluate on (compute threads only).</summary>
    sealed class Server : IDisposable
    {
        readonly Device device;
        NeuralProgrammerNetwork? evaluationNetwork;

        public TrainingSpec Spec { get; }
        public WorkerAssignment Assignment { get; }
        public long ParameterCount { get; }
        public int Shards { get; set; }
        /// <summary>Updates applied so far: the version of the shards' weights.</summary>
        public long Updates { get; set; }
        /// <summary>The shards' state last gathered, so an evaluation and the job's checkpoint at one update gather it once.</summary>
        public ModelCheckpoint? Gathered { get; set; }

        public Server(ParameterServerInit init)
        {
            Assignment = init.Job;
            Spec = JobSpecs.ToTrainingSpec(init.Job.Spec) with { Device = init.Job.Device };
            device = TorchDevice.Resolve(init.Job.Device);
            evaluationNetwork = Replica.CreateNetwork(Spec);
            evaluationNetwork.to(device);
            ParameterCount = ParameterVector.Count(evaluationNetwork);
        }

        public EvaluationReport Evaluate(byte[] weights, IReadOnlyList<Example> testSet, int programSamples)
        {
            long started = Stopwatch.GetTimestamp();
            var network = evaluationNetwork ?? throw new ObjectDisposedException(nameof(Server));
            using (var flat = ParameterVector.FromBytes(weights, device: device)) ParameterVector.SetWeights(network, flat);
            var evaluation = Evaluator.Evaluate(network, Vocabulary.All, testSet);
            return new EvaluationReport(Updates, evaluation.Accuracy, evaluation.Correct, evaluation.Total,
                CategoryAccuracy(evaluation),
                TrainingResult.SamplePrograms(evaluation, programSamples)
                    .Select(p => new ProgramSampleInfo(p.Question, p.Template, p.Program, p.Answer, p.Truth, p.Correct)).ToArray(),
                Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        static Dictionary<string, double> CategoryAccuracy(Evaluation evaluation) =>
            evaluation.AccuracyPerCategory.ToDictionary(p => p.Key.ToString().ToLowerInvariant(), p => p.Value);

        public void Dispose()
        {
            evaluationNetwork?.Dispose();
            evaluationNetwork = null;
        }
    }
}

