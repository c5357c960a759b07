namespace NeuralProgrammer.Model.Network;

/// <summary>
/// How the selector's choices are made: soft (softmax, training) or hard (one-hot argmax, inference; docs/model.md 1.6).
/// <see cref="Temperature"/> divides the selector logits in soft mode only (a training aid, docs/model.md 1.8b).
/// </summary>
public readonly record struct Selection(bool Hard, double Temperature = 1)
{
    public static Selection Soft(double temperature = 1) => new(false, temperature);
    public static Selection Argmax => new(true);
}
