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
/// The parameter server of one job (docs/architecture.md 2.2 step 3), on the job grain's silo. Torch work (averaging, the
/// update, packing, evaluation) runs on <see cref="ComputePool"/>. Workers are spread over the active silos: the
/// call that activates worker k carries the placement hint "silo (i + k) mod n" (silos in address order, i this
/// server's own), so worker 0 shares the server's silo (no serialization of its weights and gradients), a job's
/// workers use every machine, and a worker re-activated after its silo died lands on a live one. It records the bytes
/// it exchanges with the workers, its update time and each worker's compute and queue time (<see cref="GrainMetrics"/>).
/// </summary>
[PreferLocalPlacement]
public sealed partial class ParameterServerGrain : Grain, IParameterServerGrain
{
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
        server = created;
        LogInitialized(this.GetPrimaryKeyString(), created.Updates, created.ParameterCount);
        return created.ParameterCount;
    }

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

        var update = await ApplyCore(current, expectedUpdate, replies);
        double loss = replies.Sum(r => r.Loss * r.ExampleCount) / Math.Max(1, replies.Sum(r => r.ExampleCount));
        var critical = replies.MaxBy(r => r.ComputeSeconds + r.QueueSeconds)!;
        lastStep = new StepReport(update.Version, loss, replies.Sum(r => r.ExampleCount), update.GradientNorm, update.NoiseStandardDeviation,
            critical.ComputeSeconds, update.Seconds, Stopwatch.GetElapsedTime(started).TotalSeconds, retries,
            replies.Select(r => r.Silo).ToArray(), retryCause, critical.QueueSeconds);
        return lastStep;

        async Task<GradientReply> CallWorker(int k)
        {
            var worker = Worker(current.Assignment, k);
            var request = new GradientRequest(current.Assignment with { Worker = k }, expectedUpdate, current.WeightBytes);
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    Place(k, silos);
                    GrainMetrics.ParameterServerBytes.Add(request.Weights.Length, GrainMetrics.Direction(current.Assignment.JobId, GrainMetrics.Sent));
                    var reply = await worker.ComputeGradient(request);
                    RecordReply(current.Assignment.JobId, reply);
                    return reply;
                }
                catch (Exception exception) when (exception is not WorkerFailedException)
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

    public async Task<UpdateReport> ApplyGradients(long version, GradientReply[] gradients)
    {
        var current = Require(version, out _);
        if (current.Updates != version)
            throw new ParameterServerStateException($"Gradients of version {version} came to a server at version {current.Updates}.", current.Updates);
        lastStep = null;
        return await ApplyCore(current, version, gradients);
    }

    async Task<UpdateReport> ApplyCore(Server current, long version, IReadOnlyList<GradientReply> gradients)
    {
        if (gradients.Count == 0) throw new ArgumentException("No gradients to apply.", nameof(gradients));
        if (gradients.FirstOrDefault(g => g.Update != version) is { } stale)
            throw new ArgumentException($"Worker {stale.Worker} sent a gradient of version {stale.Update}, not {version}.", nameof(gradients));
        var report = await ComputePool.Run(() => current.Apply(gradients));
        GrainMetrics.ParameterServerUpdate.Record(report.Seconds, GrainMetrics.Job(current.Assignment.JobId));
        return report;
    }

    static void RecordReply(string jobId, GradientReply reply)
    {
        GrainMetrics.ParameterServerBytes.Add(reply.Gradient.Length, GrainMetrics.Direction(jobId, GrainMetrics.Received));
        var worker = GrainMetrics.Worker(jobId, reply.Worker);
        GrainMetrics.WorkerCompute.Record(reply.ComputeSeconds, worker);
        GrainMetrics.WorkerQueue.Record(reply.QueueSeconds, worker);
    }

    public Task<WeightsMessage> GetWeights()
    {
        var current = server ?? throw NotInitialized();
        return Task.FromResult(new WeightsMessage(current.Updates, current.Float32Weights()));
    }

    public async Task<ModelCheckpoint> GetCheckpoint()
    {
        var current = server ?? throw NotInitialized();
        return await ComputePool.Run(current.Checkpoint);
    }

    public async Task<EvaluationReport> Evaluate(int programSamples)
    {
        var current = server ?? throw NotInitialized();
        return await ComputePool.Run(() => current.Evaluate(DatasetCache.Test(current.Spec), programSamples));
    }

    public async Task<EvaluationReport> EvaluateOnRealData()
    {
        var current = server ?? throw NotInitialized();
        return await ComputePool.Run(() => current.Evaluate(DatasetCache.RealDataTest(current.Spec), programSamples: 0));
    }

    public async Task Release()
    {
        var current = server;
        server = null;
        lastStep = null;
        if (current is not null) await ComputePool.Run(current.Dispose);
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
        new($"Parameter server '{this.GetPrimaryKeyString()}' holds no model (it was never initialized, or it was re-activated after its silo died).", -1);

    IWorkerGrain Worker(WorkerAssignment job, int k) => GrainFactory.GetGrain<IWorkerGrain>(WorkerKeys.For(job.JobId, k));

    /// <summary>Where worker k goes if this call activates it: silo (i + k) mod n, i being this server's own.</summary>
    void Place(int k, SiloAddress[] silos)
    {
        if (silos.Length > 0) RequestContext.Set(IPlacementDirector.PlacementHintKey, silos[(k + Math.Max(0, Array.IndexOf(silos, localSilo))) % silos.Length]);
    }

    SiloAddress[] ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();

    [LoggerMessage(Level = LogLevel.Information, Message = "Parameter server {Job} initialized at update {Update} ({Parameters} parameters)")]
    partial void LogInitialized(string job, long update, long parameters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: worker {Worker} failed update {Update} (attempt {Attempt}); retrying")]
    partial void LogWorkerRetry(Exception exception, string job, int worker, long update, int attempt);

    /// <summary>The model state of a parameter server; its methods run on compute threads, one at a time.</summary>
    sealed class Server : IDisposable
    {
        public TrainingSpec Spec { get; }
        readonly ParameterUpdate update;
        readonly Device device;
        NeuralProgrammerNetwork? evaluationNetwork;

        public WorkerAssignment Assignment { get; }
        public long ParameterCount { get; }
        public long Updates => update.Updates;
        /// <summary>
        /// The current weights in the job's wire format, packed into one array per server at each version and shared by
        /// every worker request of that version. The next version overwrites it only after every worker has answered
        /// for this one, so a request is never changed while a worker reads it.
        /// </summary>
        public byte[] WeightBytes { get; }

        public Server(ParameterServerInit init)
        {
            Assignment = init.Job;
            Spec = JobSpecs.ToTrainingSpec(init.Job.Spec) with { Device = init.Job.Device };
            device = TorchDevice.Resolve(init.Job.Device);
            update = Replica.InitialUpdate(Spec, device);
            ParameterCount = update.Weights.numel();
            if (init.Checkpoint is { } checkpoint)
            {
                using var weights = Unpack(checkpoint.Weights, nameof(checkpoint.Weights));
                using var first = Unpack(checkpoint.FirstMoment, nameof(checkpoint.FirstMoment));
                using var second = Unpack(checkpoint.SecondMoment, nameof(checkpoint.SecondMoment));
                update.Restore(weights, first, second, checkpoint.Update);
            }
            WeightBytes = ParameterVector.ToBytes(update.Weights, Spec.Transport);
            update.PrepareNoise();
        }

        Tensor Unpack(byte[] bytes, string name)
        {
            var tensor = ParameterVector.FromBytes(bytes, device: device);
            if (tensor.numel() != ParameterCount)
            {
                tensor.Dispose();
                throw new InvalidDataException($"Checkpoint {name} holds {bytes.Length / sizeof(float)} values; this model has {ParameterCount} parameters.");
            }
            return tensor;
        }

        public UpdateReport Apply(IReadOnlyList<GradientReply> gradients)
        {
            long started = Stopwatch.GetTimestamp();
            using var averaged = GradientAverage.Weighted(gradients.Select(g => (g.Gradient, g.ExampleCount)).ToList(), device, Spec.Transport);
            if (averaged.numel() != ParameterCount)
                throw new ArgumentException($"A gradient of {averaged.numel()} values does not fit a model of {ParameterCount} parameters.");
            var statistics = update.Apply(averaged);
            ParameterVector.CopyTo(update.Weights, WeightBytes, Spec.Transport);
            update.PrepareNoise(); // the next update's noise is drawn while the workers compute
            return new UpdateReport(update.Updates, statistics.GradientNorm, statistics.NoiseStandardDeviation, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        public ModelCheckpoint Checkpoint() =>
            new(update.Updates, Float32Weights(), ParameterVector.ToBytes(update.FirstMoment), ParameterVector.ToBytes(update.SecondMoment));

        /// <summary>The weights as they leave the server for good (checkpoints, <see cref="GetWeights"/>): float32, a copy.</summary>
        public byte[] Float32Weights() => ParameterVector.ToBytes(update.Weights);

        public EvaluationReport Evaluate(IReadOnlyList<Example> testSet, int programSamples)
        {
            long started = Stopwatch.GetTimestamp();
            if (evaluationNetwork is null)
            {
                evaluationNetwork = Replica.CreateNetwork(Spec);
                evaluationNetwork.to(device);
            }
            ParameterVector.SetWeights(evaluationNetwork, update.Weights);
            var evaluation = Evaluator.Evaluate(evaluationNetwork, Vocabulary.All, testSet);
            return new EvaluationReport(update.Updates, evaluation.Accuracy, evaluation.Correct, evaluation.Total,
                CategoryAccuracy(evaluation),
                TrainingResult.SamplePrograms(evaluation, programSamples)
                    .Select(p => new ProgramSampleInfo(p.Question, p.Template, p.Program, p.Answer, p.Truth, p.Correct)).ToArray(),
                Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        static Dictionary<string, double> CategoryAccuracy(Evaluation evaluation) =>
            evaluation.AccuracyPerCategory.ToDictionary(p => p.Key.ToString().ToLowerInvariant(), p => p.Value);

        public void Dispose()
        {
            update.Dispose();
            evaluationNetwork?.Dispose();
        }
    }
}

/// <summary>The example-weighted mean of workers' mean gradients: Σ_k n_k·g_k / Σ_k n_k, the mean over all their examples.</summary>
public static class GradientAverage
{
    public static Tensor Weighted(IReadOnlyList<(byte[] Gradient, int ExampleCount)> gradients, Device? device = null, WireFormat format = WireFormat.Float32)
    {
        if (gradients.Count == 0) throw new ArgumentException("No gradients to average.", nameof(gradients));
        if (gradients.Any(g => g.ExampleCount < 1)) throw new ArgumentException("Every gradient needs a positive example count.", nameof(gradients));
        int length = gradients[0].Gradient.Length;
        if (gradients.Any(g => g.Gradient.Length != length)) throw new ArgumentException("The gradients differ in length.", nameof(gradients));
        if (gradients.Count == 1) return ParameterVector.FromBytes(gradients[0].Gradient, device: device, format: format);

        using var scope = NewDisposeScope();
        double total = gradients.Sum(g => (double)g.ExampleCount);
        Tensor? sum = null;
        foreach (var (gradient, count) in gradients)
        {
            using var share = (count / total).ToScalar();
            sum = sum is null ? ParameterVector.FromBytes(gradient, format: format).mul_(share) : sum.add_(ParameterVector.FromBytes(gradient, format: format), share);
        }
        return sum!.to(ScalarType.Float32, device ?? CPU).MoveToOuterDisposeScope();
    }
}
