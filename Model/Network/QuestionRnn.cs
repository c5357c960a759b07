using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>
/// The question RNN (docs/model.md 1.2): z_i = tanh(W_question [z_{i-1}; V(w_i)]), z_0 = 0, no bias; q = z_Q.
/// Optionally bidirectional, with q = tanh(W_bidirectional [q_forward; q_backward]) (ours: the projection).
/// Returns q and the forward states with z_0 in front, [B, Q+1, d], for the pivots and text match.
/// </summary>
public sealed class QuestionRnn : nn.Module<Tensor, Tensor, (Tensor Question, Tensor States)>
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

    /// <param name="words">[B, Q, d] embedded words.</param>
    /// <param name="mask">[B, Q] 1 for a real word; padding keeps the state unchanged.</param>
    public override (Tensor Question, Tensor States) forward(Tensor words, Tensor mask)
    {
        var (states, last) = Run(W_question, words, mask, reverse: false);
        if (W_question_backward is null) return (last, states);
        var (_, backward) = Run(W_question_backward, words, mask, reverse: true);
        return (tanh(W_bidirectional!.forward(cat([last, backward], 1))), states);
    }

    // W_question [z; V(w)] = W_z z + W_w V(w): the word half is applied to all words in one matmul, leaving one addmm,
    // one tanh and one where per word (the loop is dominated by per-op overhead, not arithmetic).
    static (Tensor States, Tensor Last) Run(Linear weight, Tensor words, Tensor mask, bool reverse)
    {
        long batch = words.shape[0], length = words.shape[1], dimension = words.shape[2];
        var recurrent = weight.weight!.narrow(1, 0, dimension).t();
        var inputs = words.matmul(weight.weight!.narrow(1, dimension, dimension).t()).unbind(1);
        var keep = (mask > Scalars.Zero).unsqueeze(2).unbind(1);
        var z = zeros(batch, dimension, words.dtype, words.device);
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
