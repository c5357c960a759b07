using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>The history RNN (docs/model.md 1.2): h_t = tanh(W_history [c_t; h_{t-1}]), c_t = [α_op_{t-1}ᵀU; α_col_{t-1}ᵀP].</summary>
public sealed class HistoryRnn : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear W_history;

    public HistoryRnn(int dimension) : base("history_rnn")
    {
        W_history = nn.Linear(3 * dimension, dimension, hasBias: false);
        RegisterComponents();
    }

    /// <param name="operation">[B, d] α_op_{t-1}ᵀU, the first half of c_t.</param>
    /// <param name="column">[B, d] α_col_{t-1}ᵀP, its second half.</param>
    /// <param name="previous">[B, d] h_{t-1}.</param>
    /// <remarks>W_history [c; h] as three products accumulated in place (W_op·, W_col·, W_h·), not one on the concatenation: no copy of [c; h] per step.</remarks>
    public override Tensor forward(Tensor operation, Tensor column, Tensor previous)
    {
        var w = W_history.weight!;
        long d = previous.shape[1];
        var z = operation.matmul(w.narrow(1, 0, d).t());
        z = addmm(z, column, w.narrow(1, d, d).t(), 1, 1);
        return tanh(addmm(z, previous, w.narrow(1, 2 * d, d).t(), 1, 1));
    }
}
