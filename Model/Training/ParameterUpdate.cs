using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// One update of the flat weights from an averaged gradient (docs/model.md 1.7, docs/architecture.md 2.2 step 3): clip by global norm, add
/// Gaussian noise with σ²_t = η/(1+t)^γ, then Adam. All on flat tensors, so each phase is a handful of fused kernels.
/// The noise of update u is drawn from a generator seeded by (seed, u), so a resumed or distributed run draws the same.
/// The parameter server grain and the single-process trainer both use this class.
/// </summary>
public sealed class ParameterUpdate : IDisposable
{
    readonly HyperParameters hyperParameters;
    readonly GradientNoise noise;
    (long Update, Task<Tensor> Draw)? prepared;

    public Tensor Weights { get; }
    public Tensor FirstMoment { get; }
    public Tensor SecondMoment { get; }
    /// <summary>Updates applied so far; the version of <see cref="Weights"/>.</summary>
    public long Updates { get; private set; }

    public ParameterUpdate(Tensor initialWeights, HyperParameters hyperParameters, long seed, long updatesPerEpoch)
    {
        this.hyperParameters = hyperParameters.EnsureValid();
        noise = new GradientNoise(hyperParameters, seed, updatesPerEpoch);
        Weights = initialWeights.detach().clone();
        FirstMoment = zeros_like(Weights);
        SecondMoment = zeros_like(Weights);
    }

    /// <summary>
    /// Starts drawing the next update's noise on another thread, so that it overlaps the forward and backward passes;
    /// <see cref="Apply"/> waits for it. The draw is the same as without preparing.
    /// </summary>
    public void PrepareNoise()
    {
        if (prepared?.Update == Updates || noise.StandardDeviation(Updates) <= 0) return;
        long update = Updates;
        var (shape, dtype, device) = (Weights.shape, Weights.dtype, Weights.device);
        prepared = (update, Task.Run(() => noise.Draw(update, shape, dtype, device)));
    }

    /// <summary>The noise standard deviation σ_t of the next update.</summary>
    public double NoiseStandardDeviation => noise.StandardDeviation(Updates);

    /// <summary>Applies one update; returns the gradient's global norm before clipping and the noise σ used.</summary>
    public UpdateStatistics Apply(Tensor averagedGradient, UpdateTimings? timings = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var gradient = averagedGradient.to(Weights.dtype, Weights.device).clone();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        double norm = gradient.norm().to(ScalarType.Float64).item<double>();
        if (hyperParameters.ClipNorm > 0 && norm > hyperParameters.ClipNorm)
        {
            using var clip = (hyperParameters.ClipNorm / norm).ToScalar();
            gradient.mul_(clip);
        }
        timings?.AddClip(clock.Elapsed);

        clock.Restart();
        double sigma;
        if (prepared is { } ready && ready.Update == Updates)
        {
            using var drawn = ready.Draw.GetAwaiter().GetResult();
            sigma = noise.AddTo(gradient, Updates, drawn);
            prepared = null;
        }
        else sigma = noise.AddTo(gradient, Updates);
        timings?.AddNoise(clock.Elapsed);

        clock.Restart();
        long t = Updates + 1;
        double beta1 = hyperParameters.Beta1, beta2 = hyperParameters.Beta2;
        double correction1 = 1 - Math.Pow(beta1, t), correction2 = 1 - Math.Pow(beta2, t);
        using Scalar b1 = beta1.ToScalar(), oneMinusB1 = (1 - beta1).ToScalar(), b2 = beta2.ToScalar(), oneMinusB2 = (1 - beta2).ToScalar(),
            rootCorrection2 = Math.Sqrt(correction2).ToScalar(), epsilon = hyperParameters.Epsilon.ToScalar(),
            step = (-LearningRate(Updates) / correction1).ToScalar();
        FirstMoment.mul_(b1).add_(gradient, oneMinusB1);
        SecondMoment.mul_(b2).addcmul_(gradient, gradient, oneMinusB2);
        var denominator = SecondMoment.sqrt().div_(rootCorrection2).add_(epsilon);
        Weights.addcdiv_(FirstMoment, denominator, step);
        Updates = t;
        timings?.AddOptimizer(clock.Elapsed);
        return new UpdateStatistics(norm, sigma);
    }

    /// <summary>The learning rate of the update after <paramref name="updates"/> updates: lr·2^(−t/H), or lr when H = 0.</summary>
    public double LearningRate(long updates) =>
        hyperParameters.LearningRateHalfLife > 0 ? hyperParameters.LearningRate * Math.Pow(2, -(double)updates / hyperParameters.LearningRateHalfLife) : hyperParameters.LearningRate;

    /// <summary>Restores weights, Adam moments and the update count (from a checkpoint).</summary>
    public void Restore(Tensor weights, Tensor firstMoment, Tensor secondMoment, long updates)
    {
        using var _ = no_grad();
        DiscardPrepared();
        Weights.copy_(weights);
        FirstMoment.copy_(firstMoment);
        SecondMoment.copy_(secondMoment);
        Updates = updates;
    }

    void DiscardPrepared()
    {
        prepared?.Draw.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
        prepared = null;
    }

    public void Dispose()
    {
        DiscardPrepared();
        Weights.Dispose();
        FirstMoment.Dispose();
        SecondMoment.Dispose();
    }
}

public readonly record struct UpdateStatistics(double GradientNorm, double NoiseStandardDeviation);

/// <summary>Accumulates time per phase of an update, for the benchmark's split.</summary>
public sealed class UpdateTimings
{
    public TimeSpan Clip { get; private set; }
    public TimeSpan Noise { get; private set; }
    public TimeSpan Optimizer { get; private set; }
    public void AddClip(TimeSpan t) => Clip += t;
    public void AddNoise(TimeSpan t) => Noise += t;
    public void AddOptimizer(TimeSpan t) => Optimizer += t;
}
