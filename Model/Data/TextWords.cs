namespace NeuralProgrammer.Model.Data;

/// <summary>The tokens held by text cells in the text-match variants: word:0 .. word:9 (docs/model.md 1.4, 1.8).</summary>
public static class TextWords
{
    public const string Prefix = "word:";

    public const int Count = 10;

    public static IReadOnlyList<string> All { get; } = Enumerable.Range(0, Count).Select(Word).ToArray();

    public static string Word(int index) =>
        index is >= 0 and < Count ? Prefix + index : throw new ArgumentOutOfRangeException(nameof(index), index, null);
}
