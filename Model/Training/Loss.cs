using TorchSharp;
using NeuralProgrammer.Model.Network;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>The training loss of docs/model.md 1.5, and the entropy of the operation selection for the 1.8b bonus.</summary>
public static class Loss
{
    /// <summary>Keeps log p and log(1−p) finite in the lookup loss.</summary>
    public const double LookupClamp = 1e-6;
    static readonly Scalar LookupMin = LookupClamp.ToScalar(), LookupMax = (1 - LookupClamp).ToScalar();
    static readonly Scalar EmptySlotLogLikelihood = (-1e9).ToScalar(), EntropyFloor = 1e-12.ToScalar();

    /// <summary>
    /// (1/N) Σ_k ([scalar_k]·Huber_δ(|scalar_answer_T − y|) + [lookup_k]·λ·L_lookup), with
    /// L_lookup = −(1/MC) Σ_ij [y log p + (1−y) log(1−p)] over the example's own M×C cells.
    /// </summary>
    public static Tensor Compute(NetworkOutput output, EncodedBatch batch, double huberDelta, double lookupWeight)
    {
        using var delta = huberDelta.ToScalar();
        using var halfDeltaSquared = (0.5 * huberDelta * huberDelta).ToScalar();
        using var lookupScale = lookupWeight.ToScalar();
        var error = (output.ScalarAnswer - batch.ScalarTarget).abs();
        var huber = where(error <= delta, Scalars.Half * error * error, delta * error - halfDeltaSquared);

        var cells = batch.RowMask.unsqueeze(2) * batch.ColumnMask.to(batch.RowMask.dtype).unsqueeze(1);
        var p = output.LookupAnswer.clamp(LookupMin, LookupMax);
        var y = batch.LookupTarget;
        var crossEntropy = -(y * p.log() + (Scalars.One - y) * (Scalars.One - p).log()) * cells;
        var lookup = crossEntropy.sum([1, 2]) / cells.sum([1, 2]);

        return (batch.IsScalar * huber + batch.IsLookup * lookupScale * lookup).mean();
    }

    /// <summary>
    /// The program memory's loss: −log Σ_{p ∈ memory} π(p) per example (marginal likelihood of the remembered programs,
    /// so the network may settle on any of them), 0 for examples without one, averaged over the whole batch.
    /// </summary>
    /// <param name="logLikelihood">[B, K] log π(p) of each memory slot.</param>
    /// <param name="mask">[B, K] the filled slots.</param>
    public static Tensor ProgramMemory(Tensor logLikelihood, Tensor mask)
    {
        // A finite fill keeps examples without programs free of NaN gradients (they are zeroed by where).
        var logMarginal = logLikelihood.masked_fill(mask.logical_not(), EmptySlotLogLikelihood).logsumexp(1);
        return where(mask.any(1), -logMarginal, zeros_like(logMarginal)).mean();
    }

    /// <summary>H(α_op) per step, averaged over steps and examples.</summary>
    public static Tensor OperationEntropy(NetworkOutput output)
    {
        var alpha = output.OperationWeights;
        return -(alpha * alpha.clamp_min(EntropyFloor).log()).sum(2).mean();
    }
}
