using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Training;
using static TorchSharp.torch;

namespace NeuralProgrammer.Grains;

/// <summary>
/// One parameter-server shard (docs/architecture.md 2.2 step 3): a thin adapter over a <see cref="ParameterUpdate"/>
/// of its <see cref="ParameterSlice"/>, placed by the parameter server's hint. Torch work runs on
/// <see cref="ComputePool"/>. It records the bytes it exchanges with the workers and its update time, tagged with its
/// index (<see cref="GrainMetrics"/>).
/// </summary>
public sealed partial class ParameterShardGrain : Grain, IParameterShardGrain
{
    readonly ILogger<ParameterShardGrain> logger;
    readonly string silo;
    Shard? shard;

    public ParameterShardGrain(ILogger<ParameterShardGrain> logger, ILocalSiloDetails siloDetails, IOptions<TorchOptions> torch)
    {
        this.logger = logger;
        silo = siloDetails.SiloAddress.ToString();
        ComputePool.Configure(torch.Value);
    }

    public async Task Initialize(ShardInit init)
    {
        var previous = shard;
        shard = null;
        shard = await ComputePool.Run(() =>
        {
            previous?.Dispose();
            return new Shard(init);
        });
        LogInitialized(this.GetPrimaryKeyString(), shard.Update.Updates, shard.Update.Slice.ToString());
    }

    public Task<WeightsMessage> Pull(long version)
    {
        var current = Require(version);
        GrainMetrics.ParameterServerBytes.Add(current.WeightBytes.Length, current.Tags(GrainMetrics.Sent));
        return Task.FromResult(new WeightsMessage(version, current.WeightBytes));
    }

    public Task Push(ShardGradient gradient)
    {
        var current = Require(gradient.Version);
        if (gradient.Worker < 0 || gradient.Worker >= current.Workers)
            throw new ArgumentException($"Shard '{this.GetPrimaryKeyString()}' was pushed a gradient from worker {gradient.Worker} of a job with {current.Workers} workers.");
        if (gradient.Gradient.Length != current.WeightBytes.Length)
            throw new ArgumentException($"A gradient of {gradient.Gradient.Length:N0} bytes does not fit slice {current.Update.Slice} ({current.WeightBytes.Length:N0} bytes).");
        GrainMetrics.ParameterServerBytes.Add(gradient.Gradient.Length, current.Tags(GrainMetrics.Received));
        current.Gradients[gradient.Worker] = gradient;
        return Task.CompletedTask;
    }

    public async Task<double> Reduce(long version, int workers)
    {
        var current = Require(version);
        if (workers != current.Workers) throw new ArgumentException($"Shard '{this.GetPrimaryKeyString()}' serves {current.Workers} workers, not {workers}.");
        if (Array.FindIndex(current.Gradients, g => g?.Version != version) is var missing and >= 0)
            throw new InvalidOperationException($"Shard '{this.GetPrimaryKeyString()}' has no gradient of version {version} from worker {missing}.");
        return await ComputePool.Run(current.Reduce);
    }

    public async Task<UpdateReport> Apply(long version, double globalNorm)
    {
        var current = Require(version);
        var (statistics, seconds) = await ComputePool.Run(() => current.Apply(globalNorm));
        GrainMetrics.ParameterServerUpdate.Record(seconds, current.Tags());
        return new UpdateReport(current.Update.Updates, statistics.GradientNorm, statistics.NoiseStandardDeviation, seconds, silo);
    }

    public async Task<ModelCheckpoint> GetCheckpoint()
    {
        var current = shard ?? throw NotInitialized();
        return await ComputePool.Run(current.Checkpoint);
    }

    public async Task Release()
    {
        var current = shard;
        shard = null;
        if (current is not null) await ComputePool.Run(current.Dispose);
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var current = shard;
        shard = null;
        if (current is not null) await ComputePool.Run(current.Dispose);
    }

    Shard Require(long version)
    {
        var current = shard ?? throw NotInitialized();
        if (current.Update.Updates != version)
            throw new ParameterServerStateException(
                $"Parameter-server shard '{this.GetPrimaryKeyString()}' is at update {current.Update.Updates}, not {version}.", current.Update.Updates);
        return current;
    }

    ParameterServerStateException NotInitialized() =>
        new($"Parameter-server shard '{this.GetPrimaryKeyString()}' holds no weights (it was never initialized, or it was re-activated after its silo died).", -1);

    [LoggerMessage(Level = LogLevel.Information, Message = "Parameter-server shard {Shard} initialized at update {Update} (slice {Slice})")]
    partial void LogInitialized(string shard, long update, string slice);

    /// <summary>A shard's model state; its torch methods run on compute threads, one at a time.</summary>
    sealed class Shard : IDisposable
    {
        readonly Device device;
        readonly WireFormat transport;
        readonly string jobId;
        readonly int index;
        Tensor? averaged;
        double reduceSeconds;

        public ParameterUpdate Update { get; }
        public int Workers { get; }
        /// <summary>The latest gradient of each worker (null until it pushed one).</summary>
        public ShardGradient?[] Gradients { get; }
        /// <summary>
        /// The slice's weights in the wire format, packed into one array per shard at each version and shared by every
        /// worker's pull of that version; the next version overwrites it only after every worker has answered for this one.
        /// </summary>
        public byte[] WeightBytes { get; }

        public Shard(ShardInit init)
        {
            jobId = init.Job.JobId;
            index = init.Shard;
            Workers = init.Job.Workers;
            Gradients = new ShardGradient?[Workers];
            var spec = JobSpecs.ToTrainingSpec(init.Job.Spec) with { Device = init.Job.Device };
            device = TorchDevice.Resolve(init.Job.Device);
            transport = spec.Transport;
            long parameters;
            using (var network = Replica.CreateNetwork(spec)) parameters = ParameterVector.Count(network);
            Update = Replica.InitialUpdate(spec, device, ParameterSlice.Of(init.Shard, init.Shards, parameters));
            if (init.Checkpoint is { } checkpoint)
            {
                using var weights = Unpack(checkpoint.Weights, nameof(checkpoint.Weights));
                using var first = Unpack(checkpoint.FirstMoment, nameof(checkpoint.FirstMoment));
                using var second = Unpack(checkpoint.SecondMoment, nameof(checkpoint.SecondMoment));
                Update.Restore(weights, first, second, checkpoint.Update);
            }
            WeightBytes = ParameterVector.ToBytes(Update.Weights, transport);
            Update.PrepareNoise();
        }

        Tensor Unpack(byte[] bytes, string name)
        {
            var tensor = ParameterVector.FromBytes(bytes, device: device);
            if (tensor.numel() != Update.Slice.Count)
            {
                tensor.Dispose();
                throw new InvalidDataException($"Checkpoint {name} holds {bytes.Length / sizeof(float):N0} values for slice {Update.Slice} of {Update.Slice.Count:N0}.");
            }
            return tensor;
        }

        public TagList Tags(string? direction = null)
        {
            var tags = GrainMetrics.Shard(jobId, index);
            if (direction is not null) tags.Add(GrainMetrics.DirectionTag, direction);
            return tags;
        }

        public double Reduce()
        {
            long started = Stopwatch.GetTimestamp();
            averaged?.Dispose();
            averaged = GradientAverage.Weighted(Gradients.Select(g => (g!.Gradient, g.ExampleCount)).ToList(), device, transport);
            double squaredNorm = ParameterUpdate.SquaredNorm(averaged);
            reduceSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return squaredNorm;
        }

        /// <summary>The update; its time includes the averaging of <see cref="Reduce"/>.</summary>
        public (UpdateStatistics Statistics, double Seconds) Apply(double globalNorm)
        {
            if (averaged is null) throw new InvalidOperationException($"Shard {index} was asked to apply update {Update.Updates} before averaging its gradients.");
            long started = Stopwatch.GetTimestamp();
            var statistics = Update.Apply(averaged, globalNorm);
            averaged.Dispose();
            averaged = null;
            ParameterVector.CopyTo(Update.Weights, WeightBytes, transport);
            Update.PrepareNoise(); // the next update's noise is drawn while the workers compute
            return (statistics, reduceSeconds + Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        public ModelCheckpoint Checkpoint() =>
            new(Update.Updates, ParameterVector.ToBytes(Update.Weights), ParameterVector.ToBytes(Update.FirstMoment), ParameterVector.ToBytes(Update.SecondMoment));

        public void Dispose()
        {
            averaged?.Dispose();
            Update.Dispose();
        }
    }
}
