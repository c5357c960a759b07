using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// Pivots and comparisons (docs/model.md 1.2, 1.3): β_op = softmax(Z · U(op)) over the question's numbers, and the M×C
/// 0/1 (or expected) comparison of the table with them.
/// </summary>
public static class Pivot
{
    /// <summary>β over the numbers, [B, N]: softmax of Z·u masked to real numbers, or its one-hot argmax.</summary>
    /// <param name="numberStates">[B, N, d] Z.</param>
    /// <param name="operation">[d] U(op).</param>
    /// <param name="numberMask">[B, N] true for a real number.</param>
    public static Tensor Attention(Tensor numberStates, Tensor operation, Tensor numberMask, bool hard)
    {
        var logits = Logits(numberStates, operation, numberMask);
        return hard ? OneHotArgmax(logits) : logits.softmax(1);
    }

    /// <summary>Z·u, −∞ where there is no number, [B, N].</summary>
    public static Tensor Logits(Tensor numberStates, Tensor operation, Tensor numberMask) =>
        numberStates.matmul(operation).masked_fill(numberMask.logical_not(), Scalars.NegativeInfinity);

    /// <summary>Σ_k β(k) qn_k, [B].</summary>
    public static Tensor Value(Tensor beta, Tensor numbers) => (beta * numbers).sum(1);

    /// <summary>
    /// g[b,i,j] for greater (or lesser): <see cref="ComparisonMode.Paper"/> 1[table &gt; Σ β qn];
    /// <see cref="ComparisonMode.Expected"/> Σ_k β(k) 1[table &gt; qn_k]. [B, M, C].
    /// </summary>
    public static Tensor Compare(Tensor table, Tensor numbers, Tensor beta, bool greater, ComparisonMode mode)
    {
        if (mode == ComparisonMode.Paper)
        {
            var pivot = Value(beta, numbers).view(-1, 1, 1);
            return (greater ? table > pivot : table < pivot).to(table.dtype);
        }
        var cells = table.unsqueeze(3);
        var candidates = numbers.view(numbers.shape[0], 1, 1, -1);
        var indicator = (greater ? cells > candidates : cells < candidates).to(table.dtype);
        return (indicator * beta.view(beta.shape[0], 1, 1, -1)).sum(3);
    }

    /// <summary>One-hot of the argmax along dimension 1, in the logits' dtype.</summary>
    public static Tensor OneHotArgmax(Tensor logits) =>
        nn.functional.one_hot(logits.argmax(1), logits.shape[1]).to(logits.dtype);
}
