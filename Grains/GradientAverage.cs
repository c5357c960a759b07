using TorchSharp;
using NeuralProgrammer.Model.Training;
using static TorchSharp.torch;

namespace NeuralProgrammer.Grains;

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
