using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// Attention over the question states driven by the history vector (docs/model.md 1.2, the paper's 10-column model).
/// Ours: a_t = Σ_i softmax_i(z_i · h_t) z_i, and the selector reads q_t = tanh(W_attention [q; a_t]) in place of q.
/// </summary>
public sealed class QuestionAttention : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly Linear W_attention;

    public QuestionAttention(int dimension) : base("question_attention")
    {
        W_attention = nn.Linear(2 * dimension, dimension, hasBias: false);
        RegisterComponents();
    }

    /// <param name="question">[B, d] q.</param>
    /// <param name="states">[B, Q, d] z_1..z_Q.</param>
    /// <param name="mask">[B, Q] 1 for a real word.</param>
    /// <param name="history">[B, d] h_t.</param>
    public override Tensor forward(Tensor question, Tensor states, Tensor mask, Tensor history)
    {
        var scores = states.matmul(history.unsqueeze(2)).squeeze(2).masked_fill(mask == Scalars.Zero, Scalars.NegativeInfinity);
        var attended = scores.softmax(1).unsqueeze(1).matmul(states).squeeze(1);
        return tanh(W_attention.forward(cat([question, attended], 1)));
    }
}
