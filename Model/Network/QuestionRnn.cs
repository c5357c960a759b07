using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// The question RNN (docs/model.md 1.2): z_i = tanh(W_question [z_{i-1}; V(w_i)]), z_0 = 0, no bias; q = z_Q.
/// Optionally bidirectional, with q = tanh(W_bidirectional [q_forward; q_backward]) (ours: the projection).
/// Returns q and the forward states with z_0 in front, [B, Q+1, d], for the pivots and text match.
/// </summary>
public sealed class QuestionRnn : nn.Module<Tensor, Tensor, Tensor, (Tensor Question, Tensor States)>
{
    private readonly Linear W_question;
    private readonly Linear? W_question_backward;
    private readonly Linear? W_bidirectional;

    public QuestionRnn(int dimension, bool bidirectional) : base("question_rnn")
    {
        W_question = nn.Linear(2 * dimension, dimension, hasBias: false);
        if (bidirectional)
        {
            W_question_backward = nn.Linear(2 * dimension, dimension, hasBias: false);
            W_bidirectional = nn.Linear(2 * dimension, dimension, hasBias: false);
        }
        RegisterComponents();
    }

    /// <param name="vocabulary">[V, d] the word embeddings V.</param>
    /// <param name="words">[B, Q] word ids.</param>
    /// <param name="mask">[B, Q] 1 for a real word; padding keeps the state unchanged.</param>
    public override (Tensor Question, Tensor States) forward(Tensor vocabulary, Tensor words, Tensor mask)
    {
        var (states, last) = Run(W_question, vocabulary, words, mask, reverse: false);
        if (W_question_backward is null) return (last, states);
        var (_, backward) = Run(W_question_backward, vocabulary, words, mask, reverse: true);
        return (tanh(W_bidirectional!.forward(cat([last, backward], 1))), states);
    }

    // W_question [z; V(w)] = W_z z + W_w V(w). The word half is applied to the vocabulary once (V·W_wᵀ, [V, d]) and
    // gathered per word: the same products as applying it to each of the B·Q words, at |V|/(B·Q) of the cost (3% at
    // batch 50, 0.3% at 500), and its gradient flows through the gather as it did through the embedding. That leaves
    // one addmm, one tanh and one where per word (the loop is dominated by per-op overhead, not arithmetic).
    static (Tensor States, Tensor Last) Run(Linear weight, Tensor vocabulary, Tensor words, Tensor mask, bool reverse)
    {
        long batch = words.shape[0], length = words.shape[1], dimension = vocabulary.shape[1];
        var recurrent = weight.weight!.narrow(1, 0, dimension).t();
        var projected = vocabulary.matmul(weight.weight!.narrow(1, dimension, dimension).t());
        var inputs = projected.index_select(0, words.reshape(-1)).view(batch, length, dimension).unbind(1);
        var keep = (mask > Scalars.Zero).unsqueeze(2).unbind(1);
        var z = zeros(batch, dimension, vocabulary.dtype, vocabulary.device);
        var states = new Tensor[length + 1];
        states[0] = z;
        for (long step = 0; step < length; step++)
        {
            long i = reverse ? length - 1 - step : step;
            z = where(keep[i], tanh(addmm(inputs[i], z, recurrent, 1, 1)), z);
            states[step + 1] = z;
        }
        return (stack(states, 1), z);
    }
}
