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
        ForAttendedQuestion(operations)(question, history, columns);

    /// <summary>
    /// The same logits with the question's share computed once for all T steps (W [q; h] = W_q q + W_h h, for when q
    /// does not change from step to step). The function takes h_t (null for h_t = 0, the first step, which leaves the
    /// question's share alone), the columns P of its rows and, when its rows are not the questions' in order, the
    /// question each row belongs to.
    /// </summary>
    public Func<Tensor?, Tensor, Tensor?, (Tensor Operation, Tensor Column)> ForQuestion(Tensor question, Tensor operations)
    {
        var weights = Arrange(operations);
        var questionShare = question.matmul(weights.QuestionT);                                      // [B, 2d]
        return (history, columns, rows) =>
            Logits(weights, rows is null ? questionShare : questionShare.index_select(0, rows), history, columns);
    }

    /// <summary>The logits for a question that changes from step to step (question attention): (q_t, h_t, P) → logits.</summary>
    public Func<Tensor, Tensor?, Tensor, (Tensor Operation, Tensor Column)> ForAttendedQuestion(Tensor operations)
    {
        var weights = Arrange(operations);
        return (question, history, columns) => Logits(weights, question.matmul(weights.QuestionT), history, columns);
    }

    /// <summary>W_op and W_col applied together as one [2d, d] matrix, split by the halves that meet q and h, arranged once per pass.</summary>
    Weights Arrange(Tensor operations)
    {
        var (wOp, wCol) = (W_op.weight!, W_col.weight!);
        long d = wOp.shape[0];
        return new Weights(cat([wOp.narrow(1, 0, d), wCol.narrow(1, 0, d)], 0).t(), cat([wOp.narrow(1, d, d), wCol.narrow(1, d, d)], 0).t(),
                           operations.t(), d);
    }

    static (Tensor Operation, Tensor Column) Logits(Weights weights, Tensor questionShare, Tensor? history, Tensor columns)
    {
        long d = weights.Dimension;
        var hidden = tanh(history is null ? questionShare : addmm(questionShare, history, weights.HistoryT, 1, 1));
        return (hidden.narrow(1, 0, d).matmul(weights.OperationsT),
                columns.matmul(hidden.narrow(1, d, d).unsqueeze(2)).squeeze(2));
    }

    /// <summary>[d, 2d] transposes of the question and history halves of [W_op; W_col], and Uᵀ.</summary>
    readonly record struct Weights(Tensor QuestionT, Tensor HistoryT, Tensor OperationsT, long Dimension);
}
