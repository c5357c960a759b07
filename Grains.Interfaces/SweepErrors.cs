namespace NeuralProgrammer.Grains;

/// <summary>
/// A sweep spec was rejected. <see cref="Problems"/> has one entry per problem, each starting with the field it is
/// about (<c>Budget = 0: must be positive</c>, <c>Space[2].Name = 'HyperParameters.Foo': unknown hyperparameter; …</c>).
/// </summary>
[GenerateSerializer, Alias("np.SweepSpecException")]
public sealed class SweepSpecException : Exception
{
    [Id(0)] public string[] Problems { get; private set; } = [];

    public SweepSpecException() { }

    public SweepSpecException(string message) : base(message) { }

    public SweepSpecException(string message, Exception inner) : base(message, inner) { }

    public SweepSpecException(IEnumerable<string> problems) : this(problems.ToArray()) { }

    SweepSpecException(string[] problems) : base("Invalid sweep spec: " + string.Join("; ", problems)) => Problems = problems;
}

/// <summary>No sweep with this id was ever started.</summary>
[GenerateSerializer, Alias("np.SweepNotFoundException")]
public sealed class SweepNotFoundException : Exception
{
    [Id(0)] public string SweepId { get; private set; } = "";

    public SweepNotFoundException() { }

    public SweepNotFoundException(string sweepId)
        : base($"No sweep '{sweepId}' exists: it was never started on this cluster (check the id with np list).") => SweepId = sweepId;

    public SweepNotFoundException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The sweep exists but cannot do what was asked in its state (starting an id that is already taken).</summary>
[GenerateSerializer, Alias("np.SweepStateException")]
public sealed class SweepStateException : Exception
{
    [Id(0)] public string SweepId { get; private set; } = "";
    [Id(1)] public SweepState State { get; private set; }

    public SweepStateException() { }

    public SweepStateException(string message) : base(message) { }

    public SweepStateException(string message, Exception inner) : base(message, inner) { }

    public SweepStateException(string sweepId, SweepState state, string message) : base(message) => (SweepId, State) = (sweepId, state);
}
