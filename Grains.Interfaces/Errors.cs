namespace NeuralProgrammer.Grains;

/// <summary>
/// A job spec was rejected. <see cref="Problems"/> has one entry per bad field, each starting with the field's name
/// (<c>Workers = 0: must be positive</c>, <c>HyperParameters.NoiseEta = NaN: must be a finite number</c>).
/// </summary>
[GenerateSerializer, Alias("np.JobSpecException")]
public sealed class JobSpecException : Exception
{
    [Id(0)] public string[] Problems { get; private set; } = [];

    public JobSpecException() { }

    public JobSpecException(string message) : base(message) { }

    public JobSpecException(string message, Exception inner) : base(message, inner) { }

    public JobSpecException(IEnumerable<string> problems) : this(problems.ToArray()) { }

    JobSpecException(string[] problems) : base("Invalid job spec: " + string.Join("; ", problems)) => Problems = problems;
}

/// <summary>No job with this id was ever started (status, result, cancel or watch of an unknown id).</summary>
[GenerateSerializer, Alias("np.JobNotFoundException")]
public sealed class JobNotFoundException : Exception
{
    [Id(0)] public string JobId { get; private set; } = "";

    public JobNotFoundException() { }

    public JobNotFoundException(string jobId)
        : base($"No training job '{jobId}' exists: it was never started on this cluster (check the id with np list).") => JobId = jobId;

    public JobNotFoundException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The job exists but cannot do what was asked in its state: starting an id that is already taken, or asking for
/// the result of a job that is still running, failed or was cancelled (the message says which, and why it failed).
/// </summary>
[GenerateSerializer, Alias("np.JobStateException")]
public sealed class JobStateException : Exception
{
    [Id(0)] public string JobId { get; private set; } = "";
    [Id(1)] public JobState State { get; private set; }

    public JobStateException() { }

    public JobStateException(string message) : base(message) { }

    public JobStateException(string message, Exception inner) : base(message, inner) { }

    public JobStateException(string jobId, JobState state, string message) : base(message) => (JobId, State) = (jobId, state);
}

/// <summary>
/// The parameter server is not at the update the caller expected: it lost its state (its silo died and it was
/// re-activated empty) or it was never initialized. The job grain answers by re-initializing it from its checkpoint.
/// </summary>
[GenerateSerializer, Alias("np.ParameterServerStateException")]
public sealed class ParameterServerStateException : Exception
{
    [Id(0)] public long ActualUpdate { get; private set; }

    public ParameterServerStateException() { }

    public ParameterServerStateException(string message) : base(message) { }

    public ParameterServerStateException(string message, Exception inner) : base(message, inner) { }

    public ParameterServerStateException(string message, long actualUpdate) : base(message) => ActualUpdate = actualUpdate;
}

/// <summary>A worker kept failing one step past the retry budget; the job fails with this message.</summary>
[GenerateSerializer, Alias("np.WorkerFailedException")]
public sealed class WorkerFailedException : Exception
{
    [Id(0)] public int Worker { get; private set; }
    [Id(1)] public long Update { get; private set; }

    public WorkerFailedException() { }

    public WorkerFailedException(string message) : base(message) { }

    public WorkerFailedException(string message, Exception inner) : base(message, inner) { }

    public WorkerFailedException(int worker, long update, int attempts, Exception last)
        : base($"Worker {worker} failed update {update} {attempts} times; last error: {last.GetType().Name}: {last.Message}", last)
        => (Worker, Update) = (worker, update);
}
