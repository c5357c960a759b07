using System.Diagnostics;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>The loss and flat gradient of one minibatch: what a worker computes and the trainer does before each update.</summary>
public static class GradientComputation
{
    /// <summary>
    /// Soft forward pass with the selector and text-match temperatures of update <paramref name="update"/>, the loss of docs/model.md 1.5 minus
    /// the scheduled entropy bonus, plus the program memory's loss when a memory is given and weighted, backward, and
    /// the flat gradient (caller disposes). The gradient is of the batch mean. The reported loss is the paper's alone.
    /// </summary>
    /// <param name="flat">The network's parameters in flat tensors, when they are (<see cref="FlatParameters"/>): the
    /// gradient is then a view of its flat gradient, valid until the next computation.</param>
    public static GradientResult Compute(NeuralProgrammerNetwork network, EncodedBatch batch, long update, ProgramMemory? memory = null, FlatParameters? flat = null)
    {
        var hyperParameters = network.HyperParameters;
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        network.train();
        if (flat is null) network.zero_grad();
        else flat.ZeroGradients();
        var encoding = network.Encode(batch); // once for the soft pass and the program memory's
        using var output = network.forward(batch, Selection.Soft(hyperParameters.TemperatureAt(update), hyperParameters.TextMatchTemperatureAt(update)), encoding);
        var loss = Loss.Compute(output, batch, hyperParameters.HuberDelta, hyperParameters.LookupWeight);
        var entropyWeight = hyperParameters.EntropyWeightAt(update);
        var objective = entropyWeight > 0 ? loss - entropyWeight * Loss.OperationEntropy(output) : loss;
        if (memory is not null && hyperParameters.ProgramMemoryWeight > 0)
        {
            using var programs = ProgramTargets.Encode(batch.Examples, memory, hyperParameters.Steps, batch.Words.device);
            var logLikelihood = network.ProgramLogLikelihood(batch, programs, encoding);
            objective = objective + hyperParameters.ProgramMemoryWeight * Loss.ProgramMemory(logLikelihood, programs.Mask);
        }
        var forward = clock.Elapsed;
        clock.Restart();
        objective.backward();
        var gradient = (flat is null ? ParameterVector.Gradients(network) : flat.Gradients.alias()).MoveToOuterDisposeScope();
        return new GradientResult(gradient, loss.to(ScalarType.Float64).item<double>(), batch.Size, forward, clock.Elapsed);
    }
}

/// <summary>A minibatch's mean gradient (flat, in <see cref="ParameterVector"/> order), its loss and example count.</summary>
public sealed record GradientResult(Tensor Gradient, double Loss, int ExampleCount, TimeSpan Forward, TimeSpan Backward) : IDisposable
{
    public void Dispose() => Gradient.Dispose();
}
