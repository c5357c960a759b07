using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>The history RNN (docs/model.md 1.2): h_t = tanh(W_history [c_t; h_{t-1}]), c_t = [α_op_{t-1}ᵀU; α_col_{t-1}ᵀP].</summary>
public sealed class HistoryRnn : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear W_history;

    public HistoryRnn(int dimension) : base("history_rnn")
    {
        W_history = nn.Linear(3 * dimension, dimension, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor context, Tensor previous) => tanh(W_history.forward(cat([context, previous], 1)));
}
