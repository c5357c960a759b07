using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>The history RNN (docs/model.md 1.2): h_t = tanh(W_history [c_t; h_{t-1}]), c_t = [α_op_{t-1}ᵀU; α_col_{t-1}ᵀP].</summary>
/// <remarks>
/// W_history [c; h] is taken as three products accumulated in place (W_op·, W_col·, W_h·), not one on the
/// concatenation, and the operation half through <see cref="OperationShare"/>: W_op (α_opᵀU) = α_opᵀ (U W_opᵀ), an
/// [O, d] product once per pass instead of a [B, d] one per step. With h_0 = 0 and c_1 = 0, h_1 = tanh(0) = 0 without
/// bias, so callers start from h_1 = 0 and apply this from t = 2.
/// </remarks>
public sealed class HistoryRnn : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear W_history;

    public HistoryRnn(int dimension) : base("history_rnn")
    {
        W_history = nn.Linear(3 * dimension, dimension, hasBias: false);
        RegisterComponents();
    }

    /// <summary>U W_opᵀ, [O, d]: row o is W_op's product with the embedding of operation o.</summary>
    public Tensor OperationShare(Tensor operations) => operations.matmul(Part(0).t());

    /// <summary>W_col's product with column contexts or column embeddings, [..., d] (P W_colᵀ for all columns at once).</summary>
    public Tensor ColumnShare(Tensor columns) => columns.matmul(Part(1).t());

    /// <summary>W_h h, [R, d]: computed once per row of a step, and shared by the rows that continue it.</summary>
    public Tensor HistoryShare(Tensor history) => history.matmul(Part(2).t());

    /// <summary>h_t = tanh(W_op c_op + W_col c_col + W_h h_{t-1}) from its three shares; a null history share stands for h_{t-1} = 0.</summary>
    public static Tensor Combine(Tensor operationShare, Tensor columnShare, Tensor? historyShare) =>
        tanh(historyShare is null ? operationShare + columnShare : operationShare + columnShare + historyShare);

    /// <param name="operationTerm">[B, d] W_op α_op_{t-1}ᵀU: α_op_{t-1} times <see cref="OperationShare"/>, or its rows for hard moves.</param>
    /// <param name="column">[B, d] α_col_{t-1}ᵀP, the second half of c_t.</param>
    /// <param name="previous">[B, d] h_{t-1}.</param>
    public override Tensor forward(Tensor operationTerm, Tensor column, Tensor previous) => Next(operationTerm, column, previous);

    /// <summary>h_t as <see cref="forward"/>, with a null h_{t-1} standing for h_1 = 0 (whose product is left out).</summary>
    public Tensor Next(Tensor operationTerm, Tensor column, Tensor? previous)
    {
        var z = addmm(operationTerm, column, Part(1).t(), 1, 1);
        return tanh(previous is null ? z : addmm(z, previous, Part(2).t(), 1, 1));
    }

    /// <summary>W_op, W_col or W_h: the columns of W_history that meet α_opᵀU, α_colᵀP or h_{t-1}.</summary>
    Tensor Part(int part)
    {
        var w = W_history.weight!;
        long d = w.shape[0];
        return w.narrow(1, part * d, d);
    }
}
