using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains;

/// <summary>
/// A worker (docs/architecture.md 2.2): a model replica and the job's training set, built on first use from the assignment in
/// the request; forward/backward on <see cref="ComputePool"/>. When a computation throws, the worker deactivates
/// itself before rethrowing, so that the parameter server's retry meets a fresh activation.
/// </summary>
public sealed partial class WorkerGrain : Grain, IWorkerGrain
{
    readonly ILogger<WorkerGrain> logger;
    readonly string silo;
    // Built on the first request of an assignment; used on compute threads only, one call at a time.
    Replica? replica;
    WorkerAssignment? assigned;

    public WorkerGrain(ILogger<WorkerGrain> logger, ILocalSiloDetails siloDetails, IOptions<TorchOptions> torch)
    {
        this.logger = logger;
        silo = siloDetails.SiloAddress.ToString();
        ComputePool.Configure(torch.Value);
    }

    public async Task<GradientReply> ComputeGradient(GradientRequest request)
    {
        var assignment = request.Assignment;
        var key = this.GetPrimaryKeyString();
        if (key != WorkerKeys.For(assignment.JobId, assignment.Worker))
            throw new ArgumentException($"Worker grain '{key}' was sent the assignment of worker {assignment.Worker} of job '{assignment.JobId}'.");
        long queued = Stopwatch.GetTimestamp();
        try
        {
            var reply = await ComputePool.Run(() =>
            {
                var queue = Stopwatch.GetElapsedTime(queued);
                long started = Stopwatch.GetTimestamp();
                if (replica is null || !Fits(assignment))
                {
                    Release();
                    replica = Build(assignment);
                    assigned = assignment;
                }
                using var weights = ParameterVector.FromBytes(request.Weights, device: replica.Device);
                using var result = replica.Compute(request.Update, weights, assignment.Worker, assignment.Workers);
                return new GradientReply(assignment.Worker, request.Update, ParameterVector.ToBytes(result.Gradient), result.ExampleCount, result.Loss,
                    Stopwatch.GetElapsedTime(started).TotalSeconds, queue.TotalSeconds, silo);
            });
            return reply;
        }
        catch (Exception exception)
        {
            LogComputeFailed(exception, key, request.Update);
            DeactivateOnIdle();
            throw;
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Release();
        return Task.CompletedTask;
    }

    static Replica Build(WorkerAssignment assignment)
    {
        var spec = JobSpecs.ToTrainingSpec(assignment.Spec) with { Device = assignment.Device };
        var trainingSet = DatasetCache.Training(spec);
        var built = new Replica(spec, trainingSet, DatasetCache.Memory(spec, trainingSet), TorchDevice.Resolve(assignment.Device));
        GrainMetrics.WorkersActive.Add(1, GrainMetrics.Job(assignment.JobId));
        return built;
    }

    bool Fits(WorkerAssignment other) =>
        assigned is { } a && other.JobId == a.JobId && other.Worker == a.Worker && other.Workers == a.Workers && other.Device == a.Device;

    void Release()
    {
        if (replica is null) return;
        replica.Dispose();
        replica = null;
        GrainMetrics.WorkersActive.Add(-1, GrainMetrics.Job(assigned!.JobId));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} failed update {Update}; deactivating so that the retry gets a fresh activation")]
    partial void LogComputeFailed(Exception exception, string worker, long update);
}
