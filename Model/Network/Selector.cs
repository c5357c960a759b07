using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// The selector (DESIGN.md 1.2): operation logits U · tanh(W_op [q; h_t]) and column logits P · tanh(W_col [q; h_t]).
/// The softmaxes (with the training-only temperature) and the argmax are taken by the caller.
/// </summary>
public sealed class Selector : nn.Module<Tensor, Tensor, Tensor, Tensor, (Tensor Operation, Tensor Column)>
{
    private readonly Linear W_op;
    private readonly Linear W_col;

    public Selector(int dimension) : base("selector")
    {
        W_op = nn.Linear(2 * dimension, dimension, hasBias: false);
        W_col = nn.Linear(2 * dimension, dimension, hasBias: false);
        RegisterComponents();
    }

    /// <param name="question">[B, d] q.</param>
    /// <param name="history">[B, d] h_t.</param>
    /// <param name="operations">[O, d] U.</param>
    /// <param name="columns">[B, C, d] P.</param>
    /// <returns>Operation logits [B, O] and column logits [B, C].</returns>
    public override (Tensor Operation, Tensor Column) forward(Tensor question, Tensor history, Tensor operations, Tensor columns)
    {
        var input = cat([question, history], 1);
        var operation = tanh(W_op.forward(input)).matmul(operations.t());
        var column = columns.matmul(tanh(W_col.forward(input)).unsqueeze(2)).squeeze(2);
        return (operation, column);
    }
}
