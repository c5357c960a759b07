using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// The annealed Gaussian gradient noise N(0, σ²_t), σ²_t = η/(1+t)^γ (docs/model.md 1.7). The draw of update u comes from a
/// generator seeded by (seed, u): a resumed run, a distributed run and the single-process trainer add the same noise.
/// </summary>
public sealed class GradientNoise(HyperParameters hyperParameters, long seed, long updatesPerEpoch)
{
    public long UpdatesPerEpoch { get; } = Math.Max(1, updatesPerEpoch);

    public double StandardDeviation(long update) =>
        Math.Sqrt(hyperParameters.NoiseVariance(hyperParameters.NoiseTime(update, UpdatesPerEpoch)));

    /// <summary>Adds update <paramref name="update"/>'s noise to <paramref name="gradient"/> in place; returns σ.</summary>
    public double AddTo(Tensor gradient, long update)
    {
        double sigma = StandardDeviation(update);
        if (sigma <= 0) return 0;
        using var noise = Draw(update, gradient.shape, gradient.dtype, gradient.device);
        using var scale = sigma.ToScalar();
        gradient.add_(noise, scale);
        return sigma;
    }

    /// <summary>Adds noise drawn beforehand by <see cref="Draw"/> (for update <paramref name="update"/>); returns σ.</summary>
    public double AddTo(Tensor gradient, long update, Tensor drawn)
    {
        double sigma = StandardDeviation(update);
        if (sigma <= 0) return sigma;
        using var scale = sigma.ToScalar();
        gradient.add_(drawn, scale);
        return sigma;
    }

    /// <summary>The standard normal draw of update <paramref name="update"/>; it does not depend on the gradient, so it can be made ahead.</summary>
    public Tensor Draw(long update, long[] shape, ScalarType dtype, Device device)
    {
        using var generator = new Generator(unchecked((ulong)(seed * 1_000_003 + update)));
        return randn(shape, dtype, device, generator: generator);
    }
}
