using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// One update of the flat weights from an averaged gradient (docs/model.md 1.7, docs/architecture.md 2.2 step 3): clip by global norm, add
/// Gaussian noise with σ²_t = η/(1+t)^γ, then Adam. All on flat tensors, so each phase is a handful of fused kernels.
/// The noise of update u is drawn from a generator seeded by (seed, u), so a resumed or distributed run draws the same.
/// The single-process trainer updates the whole vector; each parameter-server shard updates its
/// <see cref="ParameterSlice"/> with the norm of the whole gradient (summed over the shards) and its slice of the whole
/// vector's noise draw, so that any number of shards computes the single-process update.
/// </summary>
public sealed class ParameterUpdate : IDisposable
{
    readonly HyperParameters hyperParameters;
    readonly GradientNoise noise;
    readonly long parameters;
    (long Update, Task<Tensor> Draw)? prepared;

    /// <summary>The part of the flat vector this update owns (all of it but in a sharded parameter server).</summary>
    public ParameterSlice Slice { get; }

    public Tensor Weights { get; }
    public Tensor FirstMoment { get; }
    public Tensor SecondMoment { get; }
    /// <summary>Updates applied so far; the version of <see cref="Weights"/>.</summary>
    public long Updates { get; private set; }

    /// <param name="initialWeights">The whole flat vector's initial weights.</param>
    /// <param name="slice">The part of it to own and update; null: all of it.</param>
    public ParameterUpdate(Tensor initialWeights, HyperParameters hyperParameters, long seed, long updatesPerEpoch, ParameterSlice? slice = null)
    {
        this.hyperParameters = hyperParameters.EnsureValid();
        noise = new GradientNoise(hyperParameters, seed, updatesPerEpoch);
        parameters = initialWeights.numel();
        Slice = slice ?? ParameterSlice.Whole(parameters);
        if (Slice.Offset < 0 || Slice.Count < 0 || Slice.End > parameters)
            throw new ArgumentOutOfRangeException(nameof(slice), Slice, $"Not a slice of a vector of {parameters:N0} parameters.");
        Weights = initialWeights.detach().flatten().narrow(0, Slice.Offset, Slice.Count).clone();
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
        prepared = (update, Task.Run(() => DrawNoise(update)));
    }

    /// <summary>This slice of update <paramref name="update"/>'s standard normal draw over the whole vector.</summary>
    Tensor DrawNoise(long update)
    {
        var whole = noise.Draw(update, [parameters], Weights.dtype, Weights.device);
        if (Slice.Count == parameters) return whole;
        using (whole) return whole.narrow(0, Slice.Offset, Slice.Count); // a view: the whole draw's storage lives as long as it
    }

    /// <summary>The noise standard deviation σ_t of the next update.</summary>
    public double NoiseStandardDeviation => noise.StandardDeviation(Updates);

    /// <summary>Applies one update; returns the gradient's global norm before clipping and the noise σ used.</summary>
    /// <param name="averagedGradient">The averaged gradient of <see cref="Slice"/>.</param>
    /// <param name="globalNorm">The norm of the whole averaged gradient, when this update owns a slice of it: the
    /// square root of the sum of every slice's <see cref="SquaredNorm"/>. Null: the norm of <paramref name="averagedGradient"/>.</param>
    public UpdateStatistics Apply(Tensor averagedGradient, double? globalNorm = null, UpdateTimings? timings = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (averagedGradient.numel() != Slice.Count)
            throw new ArgumentException($"A gradient of {averagedGradient.numel():N0} values does not fit the {Slice.Count:N0} parameters of slice {Slice}.");
        var gradient = averagedGradient.to(Weights.dtype, Weights.device).clone();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        double norm = globalNorm ?? gradient.norm().to(ScalarType.Float64).item<double>();
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
        else if (noise.StandardDeviation(Updates) > 0)
        {
            using var drawn = DrawNoise(Updates);
            sigma = noise.AddTo(gradient, Updates, drawn);
        }
        else sigma = 0;
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

    /// <summary>The squared norm of a slice's averaged gradient: the slices' sum is the squared global norm that clipping uses.</summary>
    public static double SquaredNorm(Tensor averagedGradient)
    {
        using var _ = no_grad();
        using var norm = averagedGradient.norm();
        double value = norm.to(ScalarType.Float64).item<double>();
        return value * value;
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
