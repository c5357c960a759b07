using Orleans.Concurrency;

namespace NeuralProgrammer.Grains;

/// <summary>
/// Questions about users' tables answered with the model a training job produced (<c>np ask --job</c>), keyed by the
/// job id. One activation per silo loads the job's latest checkpoint once and reloads it when the job has evaluated
/// again; the answers run on the silo's compute pool beside training steps.
/// </summary>
[Alias("np.IAskGrain")]
public interface IAskGrain : IGrainWithStringKey
{
    [Alias("Ask")]
    Task<AskReply> Ask(AskRequest request);
}

/// <summary>A question about a table given as CSV text; <see cref="TableName"/> is how answers name it (a file name).</summary>
[GenerateSerializer, Immutable, Alias("np.AskRequest")]
public sealed record AskRequest([property: Id(0)] string TableCsv, [property: Id(1)] string? TableName, [property: Id(2)] string Question);

/// <summary>
/// Either the answer, as the JSON object of <c>np ask --json</c> (one schema for the console, batches and the
/// cluster), or why the input was refused (a named problem with the table, the question or the job's model).
/// </summary>
[GenerateSerializer, Immutable, Alias("np.AskReply")]
public sealed record AskReply([property: Id(0)] string? AnswerJson, [property: Id(1)] string? Refused);
