namespace NeuralProgrammer.Model.Data;

public enum ColumnKind { Numeric, Text }

/// <summary>
/// Fills in the free parts of a <see cref="TemplateForm"/>: each column it names and each keyword's phrase, asked for
/// in the order they appear in the question.
/// </summary>
public interface ITemplateChoices
{
    string Column(ColumnKind kind);

    string Phrase(Keyword keyword);
}
