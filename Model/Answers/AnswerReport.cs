using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralProgrammer.Model.Answers;

/// <summary>
/// One answer as <c>np ask --json</c> prints it, one JSON object per line (README, "Answers for scripts"): the
/// <see cref="Answer"/> (a number for a scalar answer, else null), its <see cref="Kind"/> (<c>scalar</c>,
/// <c>lookup</c>, or <c>none</c> when the program ends without answering), the printed <see cref="Rows"/> (counted
/// from 0, header excluded) and <see cref="Cells"/>, the <see cref="Program"/> in the table's own column names, the
/// <see cref="Confidence"/> (the probability the model gives its own argmax program) and <see cref="Warnings"/>.
/// </summary>
public sealed record AnswerReport(
    string Question,
    string? Table,
    string Model,
    double? Answer,
    string Kind,
    IReadOnlyList<int>? Rows,
    IReadOnlyList<PrintedCell>? Cells,
    IReadOnlyList<ProgramStepReport> Program,
    double Confidence,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Below this the console flags an answer: the model gives its program less than even odds.</summary>
    public const double LowConfidence = 0.5;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>A printed cell of a lookup answer: its row (from 0), its column as in the header, and its value (a number or text).</summary>
public sealed record PrintedCell(int Row, string Column, JsonElement Value);

/// <summary>One step of the induced program: the operation, its column as in the header, its pivot where it compares.</summary>
public sealed record ProgramStepReport(string Operation, string? Column, double? Pivot);

/// <summary>
/// A question that got no answer, as <c>np ask --json</c> prints it: <see cref="Kind"/> <c>refused</c> for an input the
/// model cannot take (a named problem with the table, the question or the model; exit code 1) or <c>internal</c> for
/// a failure of the program itself (exit code 70).
/// </summary>
public sealed record AnswerError(string? Question, string? Table, string Kind, string Error)
{
    public string ToJson() => JsonSerializer.Serialize(new { error = this }, AnswerReport.Json);
}
