namespace NeuralProgrammer.Model.Data;

public enum TemplateTokenKind { Word, Number, TextWord }

/// <summary>One token of a template: a word, or a slot for a number (shown <c>n</c>) or a text word (<c>word:k</c>).</summary>
public readonly record struct TemplateToken(TemplateTokenKind Kind, string Word)
{
    public const string NumberPlaceholder = "n";
    public const string TextWordPlaceholder = TextWords.Prefix + "k";

    public static TemplateToken Number { get; } = new(TemplateTokenKind.Number, NumberPlaceholder);
    public static TemplateToken TextWord { get; } = new(TemplateTokenKind.TextWord, TextWordPlaceholder);

    public static TemplateToken Plain(string word) => new(TemplateTokenKind.Word, word);
}
