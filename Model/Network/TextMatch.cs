using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// Text match (docs/model.md 1.4): B[m][k] = σ(A[m][k]·q); D[k] = (1/M) Σ_m B[m][k] A[m][k]; E = D + P;
/// G[k] = Σ_i softmax_i(E[k]·z_i) z_i; tm[m][k] = σ(A[m][k]·G[k]). Zero outside text columns and real rows.
/// At argmax inference (1.6) a row is matched or not, as comparisons are: tm is rounded at ½ (ours; the paper does
/// not say), so that a sum or count over text-matched rows is exact rather than weighted by unsaturated scores.
/// In training the attention scores E[k]·z_i may be divided by a temperature (docs/model.md 1.8b.5); 1 at inference.
/// </summary>
public static class TextMatch
{
    /// <param name="cells">[B, M, C, d] A, the embeddings of the cells.</param>
    /// <param name="question">[B, d] q.</param>
    /// <param name="columns">[B, C, d] P.</param>
    /// <param name="states">[B, Q, d] z_1..z_Q.</param>
    /// <param name="wordMask">[B, Q].</param>
    /// <param name="rowMask">[B, M].</param>
    /// <param name="textColumns">[B, C] 1 for a text column.</param>
    /// <param name="hard">Round tm to 0 or 1 (argmax inference).</param>
    /// <param name="temperature">Divides the attention scores E[k]·z_i (a training aid; 1 is the paper's).</param>
    /// <returns>tm, [B, M, C].</returns>
    public static Tensor Match(Tensor cells, Tensor question, Tensor columns, Tensor states, Tensor wordMask, Tensor rowMask, Tensor textColumns, bool hard, double temperature = 1)
    {
        var cellMask = rowMask.unsqueeze(2) * textColumns.unsqueeze(1);                                // [B, M, C]
        var relevance = (cells * question.view(question.shape[0], 1, 1, -1)).sum(3).sigmoid() * cellMask;
        var rows = rowMask.sum(1).clamp_min(Scalars.One).view(-1, 1, 1);
        var d = (relevance.unsqueeze(3) * cells).sum(1) / rows;                                        // [B, C, d]
        var e = d + columns;
        var scores = e.matmul(states.transpose(1, 2)).masked_fill(wordMask.unsqueeze(1) == Scalars.Zero, Scalars.NegativeInfinity);
        if (temperature != 1)
        {
            using var scale = temperature.ToScalar();
            scores = scores / scale;
        }
        var g = scores.softmax(2).matmul(states);                                                       // [B, C, d]
        var logits = (cells * g.unsqueeze(1)).sum(3);
        return (hard ? (logits > Scalars.Zero).to(cells.dtype) : logits.sigmoid()) * cellMask;
    }
}
