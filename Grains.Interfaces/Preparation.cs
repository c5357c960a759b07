namespace NeuralProgrammer.Grains;

/// <summary>What a worker builds before its first gradient, in order (docs/architecture.md 2.2 step 2).</summary>
[GenerateSerializer, Alias("np.PreparationPhase")]
public enum PreparationPhase
{
    /// <summary>Generating the training set from the spec and seed.</summary>
    TrainingSet = 0,
    /// <summary>Searching the program memory's programs, question group by question group.</summary>
    ProgramSearch = 1,
    /// <summary>Creating the model replica.</summary>
    Replica = 2,
    Ready = 3,
}

/// <summary>
/// How far a job's workers are in building their training set, program memory and replica before the first step:
/// for one worker, or for all of a job's (the least advanced worker's <see cref="Phase"/> and search).
/// <see cref="Searched"/> of <see cref="Groups"/> question groups have had their programs searched (both 0 until the
/// search starts); <see cref="Memory"/> describes the built memory's coverage once some worker has one.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.Preparation")]
public sealed record Preparation(
    [property: Id(0)] PreparationPhase Phase,
    [property: Id(1)] int Searched,
    [property: Id(2)] int Groups,
    [property: Id(3)] int WorkersReady,
    [property: Id(4)] int Workers,
    [property: Id(5)] double Seconds,
    [property: Id(6)] string? Memory);
