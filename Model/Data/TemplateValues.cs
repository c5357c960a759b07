namespace NeuralProgrammer.Model.Data;

/// <summary>The values that fill a template's slots, in order of appearance: pivots and text-word indices (0..9).</summary>
public sealed record TemplateValues(IReadOnlyList<double> Pivots, IReadOnlyList<int> TextWords)
{
    public static TemplateValues None { get; } = new([], []);
}
