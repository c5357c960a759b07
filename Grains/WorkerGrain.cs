using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

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
    Replica? replica;

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
                if (replica is null || !replica.Fits(assignment))
                {
                    replica?.Dispose();
                    replica = null;
                    replica = new Replica(assignment);
                }
                var (gradient, count, loss) = replica.Compute(request.Update, request.Weights);
                return new GradientReply(assignment.Worker, request.Update, gradient, count, loss,
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
        replica?.Dispose();
        replica = null;
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} failed update {Update}; deactivating so that the retry gets a fresh activation")]
    partial void LogComputeFailed(Exception exception, string worker, long update);

    /// <summary>The network, the data and the schedule of one worker; used on compute threads only, one call at a time.</summary>
    sealed class Replica : IDisposable
    {
        readonly WorkerAssignment assignment;
        readonly NeuralProgrammerNetwork network;
        readonly IReadOnlyList<Example> trainingSet;
        readonly MinibatchSchedule schedule;
        readonly ProgramMemory? memory;
        readonly Device device;

        public Replica(WorkerAssignment assignment)
        {
            this.assignment = assignment;
            var spec = JobSpecs.ToTrainingSpec(assignment.Spec) with { Device = assignment.Device };
            device = TorchDevice.Resolve(assignment.Device);
            trainingSet = DatasetCache.Training(spec);
            network = Trainer.CreateNetwork(spec);
            network.to(device);
            memory = DatasetCache.Memory(spec, trainingSet, network);
            schedule = new MinibatchSchedule(spec.TrainingExamples, spec.HyperParameters.BatchSize, spec.Seed);
            GrainMetrics.WorkersActive.Add(1, GrainMetrics.Job(assignment.JobId));
        }

        public bool Fits(WorkerAssignment other) =>
            other.JobId == assignment.JobId && other.Worker == assignment.Worker && other.Workers == assignment.Workers && other.Device == assignment.Device;

        public (byte[] Gradient, int Count, double Loss) Compute(long update, byte[] weights)
        {
            using (var flat = ParameterVector.FromBytes(weights, device: device))
                ParameterVector.SetWeights(network, flat);
            var examples = schedule.Indices(update, assignment.Worker, assignment.Workers).Select(i => trainingSet[i]).ToList();
            using var batch = EncodedBatch.Encode(examples, Vocabulary.All, ScalarType.Float32, device);
            using var result = GradientComputation.Compute(network, batch, update, memory);
            return (ParameterVector.ToBytes(result.Gradient), result.ExampleCount, result.Loss);
        }

        public void Dispose()
        {
            network.Dispose();
            GrainMetrics.WorkersActive.Add(-1, GrainMetrics.Job(assignment.JobId));
        }
    }
}
