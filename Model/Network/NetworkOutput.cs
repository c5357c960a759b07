using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Network;

/// <summary>What one forward pass gives: the answers at step T and, per step, the selections that make the program.</summary>
public sealed class NetworkOutput : IDisposable
{
    /// <summary>[B] scalar_answer_T.</summary>
    public required Tensor ScalarAnswer { get; init; }
    /// <summary>[B, M, C] lookup_answer_T.</summary>
    public required Tensor LookupAnswer { get; init; }
    /// <summary>[B, T, O] α_op per step (one-hot in hard mode).</summary>
    public required Tensor OperationWeights { get; init; }
    /// <summary>[B, T, C] α_col per step.</summary>
    public required Tensor ColumnWeights { get; init; }
    /// <summary>[B] Σ_k β_greater(k) qn_k, the greater pivot (the chosen number in hard mode).</summary>
    public required Tensor GreaterPivot { get; init; }
    /// <summary>[B] the lesser pivot.</summary>
    public required Tensor LesserPivot { get; init; }

    /// <summary>Moves every tensor to the dispose scope around the current one; returns this.</summary>
    public NetworkOutput MoveToOuterDisposeScope()
    {
        foreach (var tensor in new[] { ScalarAnswer, LookupAnswer, OperationWeights, ColumnWeights, GreaterPivot, LesserPivot })
            tensor.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        foreach (var tensor in new[] { ScalarAnswer, LookupAnswer, OperationWeights, ColumnWeights, GreaterPivot, LesserPivot })
            tensor.Dispose();
    }
}
