using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// The combination rules of docs/model.md 1.3: every operation computes its output, and the step's result is their sum
/// weighted by α_op (and, for column operations, by α_col). Shapes: α_op [B, O] (columns in the order of
/// <see cref="Operations"/>), α_col [B, C], row_select [B, M], table [B, M, C].
/// </summary>
/// <remarks>
/// Each rule gathers its operations' outputs into one tensor and weights them with one product, rather than one
/// small op per operation: the forward pass is bound by the number of tensor ops, not by arithmetic.
/// </remarks>
public sealed class Combination
{
    readonly long[] scalarOperations;
    readonly long[] rowOperations;
    readonly long assign;
    // Keyed by (type, index): Tensor.device makes a new Device each call, and Device compares by reference, so a
    // Dictionary<Device, _> added two tensors per call that nothing ever freed (16 per forward pass at T = 4).
    readonly Dictionary<(DeviceType Type, int Index), (Tensor Scalar, Tensor Row)> indices = [];

    public IReadOnlyList<Operation> Operations { get; }
    public bool HasTextMatch { get; }

    public Combination(IReadOnlyList<Operation> operations)
    {
        Operations = operations;
        HasTextMatch = OperationIndex(Operation.TextMatch) >= 0;
        scalarOperations = [OperationIndex(Operation.Sum), OperationIndex(Operation.Count), OperationIndex(Operation.Difference)];
        rowOperations = HasTextMatch
            ? [OperationIndex(Operation.Greater), OperationIndex(Operation.Lesser), OperationIndex(Operation.TextMatch),
               OperationIndex(Operation.And), OperationIndex(Operation.Or), OperationIndex(Operation.Reset)]
            : [OperationIndex(Operation.Greater), OperationIndex(Operation.Lesser),
               OperationIndex(Operation.And), OperationIndex(Operation.Or), OperationIndex(Operation.Reset)];
        assign = OperationIndex(Operation.Assign);
    }

    public int OperationIndex(Operation operation)
    {
        for (int i = 0; i < Operations.Count; i++)
            if (Operations[i] == operation) return i;
        return -1;
    }

    (Tensor Scalar, Tensor Row) Indices(Device device)
    {
        lock (indices)
        {
            var key = (device.type, device.index);
            if (!indices.TryGetValue(key, out var found))
                indices[key] = found = (tensor(scalarOperations, device: device).DetachFromDisposeScope(),
                                           tensor(rowOperations, device: device).DetachFromDisposeScope());
            return found;
        }
    }

    /// <summary>
    /// scalar_answer_t = α(sum)·Σ_j α_col(j)·sum_t[j] + α(count)·count_t + α(difference)·diff_t, with
    /// sum_t[j] = Σ_i row_select_{t-1}[i]·table[i][j], count_t = Σ_i row_select_{t-1}[i], diff_t = scalar_{t-3} − scalar_{t-1}.
    /// </summary>
    public Tensor ScalarAnswer(Tensor alphaOperation, Tensor alphaColumn, Tensor table, Tensor rowSelect, Tensor scalarBefore1, Tensor scalarBefore3)
    {
        var sum = (alphaColumn * rowSelect.unsqueeze(1).bmm(table).squeeze(1)).sum(1);
        var outputs = stack([sum, rowSelect.sum(1), scalarBefore3 - scalarBefore1], 1);
        return (alphaOperation.index_select(1, Indices(alphaOperation.device).Scalar) * outputs).sum(1);
    }

    /// <summary>lookup_answer_t[i][j] = α_col(j)·α(assign)·row_select_{t-1}[i].</summary>
    public Tensor LookupAnswer(Tensor alphaOperation, Tensor alphaColumn, Tensor rowSelect) =>
        rowSelect.unsqueeze(2) * (alphaColumn * alphaOperation.narrow(1, assign, 1)).unsqueeze(1);

    /// <summary>
    /// row_select_t = Σ_j α_col(j)·(α(greater)·g[i][j] + α(lesser)·l[i][j] + α(text match)·tm[i][j])
    /// + α(and)·min(rs_{t-1}, rs_{t-2}) + α(or)·max(rs_{t-1}, rs_{t-2}) + α(reset)·1, on real rows only.
    /// </summary>
    public Tensor RowSelect(Tensor alphaOperation, Tensor alphaColumn, Tensor rowSelect1, Tensor rowSelect2, Tensor rowMask,
        Tensor greater, Tensor lesser, Tensor? textMatch) =>
        RowSelect(alphaOperation, alphaColumn, rowSelect1, rowSelect2, rowMask, ColumnComparisons(greater, lesser, textMatch, rowMask));

    /// <summary>
    /// The same with g, l (and tm) arranged once by <see cref="ColumnComparisons"/>: the forward pass's form. The
    /// column operations' share is one matrix-vector product per example over the (operation, column) pairs, weighted
    /// α(op)·α_col(j); and, or and reset are added to it elementwise (no [B, M, K] outputs gathered and copied per step).
    /// </summary>
    public Tensor RowSelect(Tensor alphaOperation, Tensor alphaColumn, Tensor rowSelect1, Tensor rowSelect2, Tensor rowMask, Tensor comparisons)
    {
        var weights = alphaOperation.index_select(1, Indices(alphaOperation.device).Row);                           // [B, K + 3]
        int k = rowOperations.Length - 3;
        var pairs = (weights.narrow(1, 0, k).unsqueeze(2) * alphaColumn.unsqueeze(1)).view(alphaColumn.shape[0], -1, 1);
        var selected = comparisons.bmm(pairs).squeeze(2);                                                          // [B, M]
        selected = addcmul(selected, minimum(rowSelect1, rowSelect2), weights.narrow(1, k, 1), Scalars.One);
        selected = addcmul(selected, maximum(rowSelect1, rowSelect2), weights.narrow(1, k + 1, 1), Scalars.One);
        return addcmul(selected, rowMask, weights.narrow(1, k + 2, 1), Scalars.One);
    }

    /// <summary>
    /// g, l (and tm), [B, M, C] each, on real rows only, as one [B, M, K·C] matrix per example (K comparison
    /// operations), so that a step's Σ_j α_col(j)·(…)[i][j] is one batched matrix-vector product. They do not change
    /// from step to step: the forward pass arranges them once, not T times.
    /// </summary>
    public Tensor ColumnComparisons(Tensor greater, Tensor lesser, Tensor? textMatch, Tensor rowMask)
    {
        if (HasTextMatch != textMatch is not null)
            throw new ArgumentException(HasTextMatch ? "Text match is an operation here: pass its tm matrix." : "Text match is not an operation here.");
        var perColumn = stack(textMatch is null ? [greater, lesser] : [greater, lesser, textMatch], 2) * rowMask.view(rowMask.shape[0], -1, 1, 1); // [B, M, K, C]
        return perColumn.view(perColumn.shape[0], perColumn.shape[1], -1);
    }
}
