using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// The combination rules of DESIGN.md 1.3: each step's operations weighted by α_op and α_col. Shapes: α_op [B, O]
/// (columns in the order of <see cref="OperationIndex"/>), α_col [B, C], row_select [B, M], table [B, M, C].
/// </summary>
public sealed class Combination(IReadOnlyList<Operation> operations)
{
    public IReadOnlyList<Operation> Operations { get; } = operations;

    public int OperationIndex(Operation operation)
    {
        for (int i = 0; i < Operations.Count; i++)
            if (Operations[i] == operation) return i;
        return -1;
    }

    Tensor Weight(Tensor alphaOperation, Operation operation) => alphaOperation[.., OperationIndex(operation)];

    /// <summary>
    /// scalar_answer_t = α(count)·count_t + α(difference)·(scalar_{t-3} − scalar_{t-1}) + α(sum)·Σ_j α_col(j)·sum_t[j],
    /// with count_t = Σ_i row_select_{t-1}[i] and sum_t[j] = Σ_i row_select_{t-1}[i]·table[i][j].
    /// </summary>
    public Tensor ScalarAnswer(Tensor alphaOperation, Tensor alphaColumn, Tensor table, Tensor rowSelect, Tensor scalarBefore1, Tensor scalarBefore3)
    {
        var count = rowSelect.sum(1);
        var sums = rowSelect.unsqueeze(1).matmul(table).squeeze(1);
        return Weight(alphaOperation, Operation.Count) * count
               + Weight(alphaOperation, Operation.Difference) * (scalarBefore3 - scalarBefore1)
               + Weight(alphaOperation, Operation.Sum) * (alphaColumn * sums).sum(1);
    }

    /// <summary>lookup_answer_t[i][j] = α_col(j)·α(assign)·row_select_{t-1}[i].</summary>
    public Tensor LookupAnswer(Tensor alphaOperation, Tensor alphaColumn, Tensor rowSelect) =>
        rowSelect.unsqueeze(2) * (alphaColumn * Weight(alphaOperation, Operation.Assign).unsqueeze(1)).unsqueeze(1);

    /// <summary>
    /// row_select_t = α(and)·min(rs_{t-1}, rs_{t-2}) + α(or)·max(rs_{t-1}, rs_{t-2}) + α(reset)·1
    /// + Σ_j α_col(j)·(α(greater)·g[i][j] + α(lesser)·l[i][j] + α(text match)·tm[i][j]); zero on padding rows.
    /// </summary>
    public Tensor RowSelect(Tensor alphaOperation, Tensor alphaColumn, Tensor rowSelect1, Tensor rowSelect2, Tensor rowMask,
        Tensor greater, Tensor lesser, Tensor? textMatch)
    {
        var perCell = Weight(alphaOperation, Operation.Greater).view(-1, 1, 1) * greater
                      + Weight(alphaOperation, Operation.Lesser).view(-1, 1, 1) * lesser;
        if (textMatch is not null)
            perCell += Weight(alphaOperation, Operation.TextMatch).view(-1, 1, 1) * textMatch;
        var selected = (perCell * alphaColumn.unsqueeze(1)).sum(2);
        return Weight(alphaOperation, Operation.And).unsqueeze(1) * minimum(rowSelect1, rowSelect2)
               + Weight(alphaOperation, Operation.Or).unsqueeze(1) * maximum(rowSelect1, rowSelect2)
               + Weight(alphaOperation, Operation.Reset).unsqueeze(1) * rowMask
               + selected * rowMask;
    }
}
