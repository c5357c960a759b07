namespace NeuralProgrammer.Model.Data;

/// <summary>The four template categories of the paper's synthetic data (docs/model.md 1.8).</summary>
public enum TemplateCategory { Aggregation, Comparison, Logic, Arithmetic }

/// <summary>One training or test example: a table, a question about it, its answer and the template it came from.</summary>
public sealed record Example(Table Table, Question Question, Answer Answer, string Template, TemplateCategory Category)
{
    /// <summary>
    /// The question's true answer on another table with the same columns: known for generated examples (their template
    /// answers it), null for a user's question.
    /// </summary>
    public Func<Table, Answer>? AnswerOn { get; init; }
}
