using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// The selector (docs/model.md 1.2): operation logits U · tanh(W_op [q; h_t]) and column logits P · tanh(W_col [q; h_t]).
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
    public override (Tensor Operation, Tensor Column) forward(Tensor question, Tensor history, Tensor operations, Tensor columns) =>
        ForQuestion(question, operations, columns)(history);

    /// <summary>
    /// The same logits with the question's share of W_op and W_col computed once for all T steps
    /// (W [q; h] = W_q q + W_h h), for when q does not change from step to step.
    /// </summary>
    public Func<Tensor, (Tensor Operation, Tensor Column)> ForQuestion(Tensor question, Tensor operations, Tensor columns)
    {
        long d = question.shape[1];
        var (opQuestion, opHistory) = Split(W_op, question, d);
        var (colQuestion, colHistory) = Split(W_col, question, d);
        var operationsT = operations.t();
        return history => (
            tanh(addmm(opQuestion, history, opHistory, 1, 1)).matmul(operationsT),
            columns.matmul(tanh(addmm(colQuestion, history, colHistory, 1, 1)).unsqueeze(2)).squeeze(2));
    }

    static (Tensor QuestionShare, Tensor HistoryWeightT) Split(Linear weight, Tensor question, long d) =>
        (question.matmul(weight.weight!.narrow(1, 0, d).t()), weight.weight!.narrow(1, d, d).t());
}
