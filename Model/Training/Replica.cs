using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// One model replica of a run (docs/architecture.md 2.2): the network, the training set, its program memory and the
/// minibatch schedule; it computes the loss and gradient of its share of each update's minibatch (docs/model.md 1.7).
/// The single-process trainer holds one replica and each worker grain holds one; the static members are what every
/// part of a run builds from its spec, so that the trainer, the workers and the parameter server build the same.
/// </summary>
public sealed class Replica : IDisposable
{
    readonly MinibatchSchedule schedule;

    public TrainingSpec Spec { get; }
    public NeuralProgrammerNetwork Network { get; }
    public IReadOnlyList<Example> TrainingSet { get; }
    /// <summary>The program memory of the training set, when the spec weights its loss.</summary>
    public ProgramMemory? Memory { get; }
    public Device Device { get; }

    /// <param name="memory">The spec's program memory of <paramref name="trainingSet"/> (<see cref="CreateMemory"/>; callers may share one).</param>
    public Replica(TrainingSpec spec, IReadOnlyList<Example> trainingSet, ProgramMemory? memory, Device device)
    {
        Spec = spec;
        TrainingSet = trainingSet;
        Memory = memory;
        Device = device;
        schedule = Schedule(spec);
        Network = CreateNetwork(spec);
        Network.to(device);
        parameters = new FlatParameters(Network);
    }

    readonly FlatParameters parameters;

    /// <summary>Sets the network's weights from a message's packed flat vector: float32 on the CPU is one copy, straight into the parameters.</summary>
    public void SetWeights(byte[] packed, WireFormat format) => SetWeights(packed, format, ParameterSlice.Whole(parameters.Weights.numel()));

    /// <summary>Sets the weights of <paramref name="slice"/> from its packed values (one parameter-server shard's part of the vector).</summary>
    public void SetWeights(byte[] packed, WireFormat format, ParameterSlice slice)
    {
        if (packed.Length != slice.Count * format.BytesPerValue() || slice.End > parameters.Weights.numel())
            throw new ArgumentException($"{packed.Length} bytes of {format} do not fit slice {slice} of a model of {parameters.Weights.numel():N0} parameters.");
        using var target = parameters.Weights.narrow(0, slice.Offset, slice.Count);
        if (format == WireFormat.Float32 && target.dtype == ScalarType.Float32 && Device.type == DeviceType.CPU)
        {
            target.bytes = packed;
            return;
        }
        using var weights = ParameterVector.FromBytes(packed, device: Device, format: format);
        using var _ = no_grad();
        target.copy_(weights);
    }

    /// <summary>Sets the network's weights from a flat vector (<see cref="ParameterVector"/> order): one copy.</summary>
    public void SetWeights(Tensor weights)
    {
        if (weights.numel() != parameters.Weights.numel())
            throw new ArgumentException($"A flat vector of {weights.numel()} values does not fit a model of {parameters.Weights.numel()} parameters.");
        using var _ = no_grad();
        parameters.Weights.copy_(weights);
    }

    /// <summary>The network a spec starts from: its seed's initial weights, the operations of its variant.</summary>
    public static NeuralProgrammerNetwork CreateNetwork(TrainingSpec spec) =>
        new(Vocabulary.All.Count, OperationsOf(spec), spec.HyperParameters, spec.Seed);

    /// <summary>The operations of a spec's variant: with text match when its tables have text columns.</summary>
    public static IReadOnlyList<Operation> OperationsOf(TrainingSpec spec) =>
        Operations.For(spec.Variant.Facts().MaxTextColumns > 0);

    /// <summary>The program memory a spec trains with (null when its weight is 0), built from its training set.</summary>
    /// <param name="search">Told the question groups searched of all while the memory is built (<see cref="ProgramMemory.Build"/>).</param>
    public static ProgramMemory? CreateMemory(TrainingSpec spec, IReadOnlyList<Example> trainingSet, IProgress<(int Searched, int Groups)>? search = null) =>
        spec.HyperParameters.ProgramMemoryWeight > 0 ? ProgramMemory.Build(trainingSet, OperationsOf(spec), spec.HyperParameters.Steps, search) : null;

    public static MinibatchSchedule Schedule(TrainingSpec spec) => new(spec.TrainingExamples, spec.HyperParameters.BatchSize, spec.Seed);

    /// <summary>
    /// A run's parameter update before its first step: the seed's initial weights on <paramref name="device"/>, zero
    /// Adam moments; of the whole vector, or of one shard's <paramref name="slice"/>.
    /// </summary>
    public static ParameterUpdate InitialUpdate(TrainingSpec spec, Device device, ParameterSlice? slice = null)
    {
        using var network = CreateNetwork(spec);
        using var weights = ParameterVector.Weights(network);
        using var onDevice = weights.to(device);
        return new ParameterUpdate(onDevice, spec.HyperParameters, spec.Seed, Schedule(spec).UpdatesPerEpoch, slice);
    }

    /// <summary>
    /// The loss and mean gradient of worker <paramref name="worker"/>'s share (of <paramref name="workers"/>) of update
    /// <paramref name="update"/>'s minibatch, at <paramref name="weights"/> (flat), or at the network's current weights when null.
    /// </summary>
    public GradientResult Compute(long update, Tensor? weights = null, int worker = 0, int workers = 1)
    {
        if (weights is not null) SetWeights(weights);
        var examples = schedule.Indices(update, worker, workers).Select(i => TrainingSet[i]).ToList();
        using var batch = EncodedBatch.Encode(examples, Vocabulary.All, ScalarType.Float32, Device);
        return GradientComputation.Compute(Network, batch, update, Memory, parameters);
    }

    public void Dispose()
    {
        Network.Dispose();
        parameters.Dispose();
    }
}
