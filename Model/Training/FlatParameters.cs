using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// A network's parameters and their gradients, each in one flat tensor in <see cref="ParameterVector"/> order: every
/// parameter is a view of <see cref="Weights"/> and its gradient a view of <see cref="Gradients"/>, so setting the
/// weights is one copy and backward leaves the flat gradient in place (it accumulates into existing gradients).
/// </summary>
public sealed class FlatParameters : IDisposable
{
    public Tensor Weights { get; }
    public Tensor Gradients { get; }

    /// <summary>Moves <paramref name="module"/>'s parameters (on their device, with their values) into the flat tensors.</summary>
    public FlatParameters(nn.Module module)
    {
        using var _ = no_grad();
        var parameters = module.parameters().ToList();
        var first = parameters[0];
        long count = parameters.Sum(p => p.numel());
        Weights = empty(count, first.dtype, first.device);
        Gradients = zeros(count, first.dtype, first.device);
        long offset = 0;
        foreach (var parameter in parameters)
        {
            using var weights = Weights.narrow(0, offset, parameter.numel()).view(parameter.shape);
            weights.copy_(parameter);
            parameter.set_(weights);
            var gradient = Gradients.narrow(0, offset, parameter.numel()).view(parameter.shape);
            parameter.grad = gradient;
            views.Add((parameter, gradient));
            offset += parameter.numel();
        }
    }

    readonly List<(Tensor Parameter, Tensor Gradient)> views = [];

    /// <summary>
    /// Zeroes the flat gradient and points every parameter's gradient at its view again, so that a
    /// <c>zero_grad()</c> elsewhere (which drops gradients by default) cannot leave backward writing somewhere else.
    /// </summary>
    public void ZeroGradients()
    {
        Gradients.zero_();
        foreach (var (parameter, gradient) in views) parameter.grad = gradient;
    }

    public void Dispose()
    {
        foreach (var (_, gradient) in views) gradient.Dispose();
        Weights.Dispose();
        Gradients.Dispose();
    }
}
