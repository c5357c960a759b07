namespace NeuralProgrammer.Model.Network;

/// <summary>
/// How the selector's choices are made: soft (softmax, training) or hard (one-hot argmax, inference; docs/model.md 1.6).
/// <see cref="Temperature"/> divides the selector logits and <see cref="TextMatchTemperature"/> text match's attention
/// scores, in soft mode only (training aids, docs/model.md 1.8b).
/// </summary>
public readonly record struct Selection(bool Hard, double Temperature = 1, double TextMatchTemperature = 1)
{
    public static Selection Soft(double temperature = 1, double textMatchTemperature = 1) => new(false, temperature, textMatchTemperature);
    public static Selection Argmax => new(true);
}
