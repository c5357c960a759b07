namespace NeuralProgrammer.Grains;

/// <summary>Where a training job is in its life. <see cref="None"/> is a job id that was never started.</summary>
[GenerateSerializer, Alias("np.JobState")]
public enum JobState
{
    None = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Cancelled = 4,
}

/// <summary>
/// One evaluation on the held-out test set: the mean training loss since the previous one and the accuracy; and the
/// validation accuracy of the same weights when the job has a validation set.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.EvaluationPoint")]
public sealed record EvaluationPoint(
    [property: Id(0)] long Update,
    [property: Id(1)] double Loss,
    [property: Id(2)] double Accuracy,
    [property: Id(3)] Dictionary<string, double> CategoryAccuracy,
    [property: Id(4)] double Seconds)
{
    [Id(5)] public double? ValidationAccuracy { get; init; }
}

/// <summary>
/// A running job's numbers, for <c>np status</c> and <c>np watch</c>. Step times are means over the last progress
/// window: <see cref="ComputeSeconds"/> is the critical path of the step's computation (the slowest worker's
/// forward/backward, including any wait for a free compute thread, plus the parameter server's update),
/// <see cref="CommunicationSeconds"/> the rest of the step's wall time (grain calls, serialization, scheduling).
/// <see cref="ExamplesPerSecond"/> is the training throughput since the job's grain activated, over the time spent in
/// steps only; <see cref="EvaluationSeconds"/> the time spent evaluating and checkpointing since then;
/// <see cref="RemainingSeconds"/> the estimate of the time left, both counted (NaN before the first step).
/// <see cref="Preparation"/> is set while the workers build their data, program memory and replicas, before the
/// first step of an activation.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.JobProgress")]
public sealed record JobProgress(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobState State,
    [property: Id(2)] long Update,
    [property: Id(3)] long TotalUpdates,
    [property: Id(4)] double Loss,
    [property: Id(5)] double ExamplesPerSecond,
    [property: Id(6)] double NoiseStandardDeviation,
    [property: Id(7)] double ComputeSeconds,
    [property: Id(8)] double CommunicationSeconds,
    [property: Id(9)] EvaluationPoint? LastEvaluation,
    [property: Id(10)] DateTimeOffset Time,
    [property: Id(11)] double EvaluationSeconds,
    [property: Id(12)] double RemainingSeconds,
    [property: Id(13)] Preparation? Preparation = null);

/// <summary>A job's state, progress and history, as <c>np status</c> shows it.</summary>
[GenerateSerializer, Immutable, Alias("np.JobStatus")]
public sealed record JobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobState State,
    [property: Id(2)] JobProgress Progress,
    [property: Id(3)] int Workers,
    [property: Id(4)] string? Error,
    /// <summary>How often the job resumed from its checkpoint after losing its parameter server or its own activation.</summary>
    [property: Id(5)] int Resumes,
    /// <summary>Worker calls that failed and were retried.</summary>
    [property: Id(6)] int WorkerRetries,
    /// <summary>The silo of each worker at its latest step (index k), as far as the job knows.</summary>
    [property: Id(7)] string[] WorkerSilos,
    [property: Id(8)] DateTimeOffset Created,
    [property: Id(9)] DateTimeOffset? Finished,
    /// <summary>The latest resume or worker retry and its cause, for operators (null if none).</summary>
    [property: Id(10)] string? LastRecovery,
    /// <summary>The silo of each parameter-server shard at the latest step (index s), as far as the job knows.</summary>
    [property: Id(11)] string[] ShardSilos);

/// <summary>A test question with the program the model induced for it.</summary>
[GenerateSerializer, Immutable, Alias("np.ProgramSampleInfo")]
public sealed record ProgramSampleInfo(
    [property: Id(0)] string Question,
    [property: Id(1)] string Template,
    [property: Id(2)] string Program,
    [property: Id(3)] string Answer,
    [property: Id(4)] string Truth,
    [property: Id(5)] bool Correct);

/// <summary>
/// The outcome of a completed job (kept in grain storage, available after the job and its silo are gone): test
/// accuracy overall and per category, a few induced programs, the training curve and the cost.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.JobResult")]
public sealed record JobResult(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobSpec Spec,
    [property: Id(2)] long Updates,
    [property: Id(3)] long ExamplesSeen,
    [property: Id(4)] double WallSeconds,
    [property: Id(5)] double Accuracy,
    [property: Id(6)] Dictionary<string, double> CategoryAccuracy,
    [property: Id(7)] ProgramSampleInfo[] Programs,
    [property: Id(8)] EvaluationPoint[] Curve,
    [property: Id(9)] int Workers,
    [property: Id(10)] int Resumes,
    [property: Id(11)] int WorkerRetries,
    [property: Id(12)] DateTimeOffset Finished)
{
    /// <summary>Accuracy on the job's real-data test set, overall and per category; null for results stored before it was measured.</summary>
    [Id(13)] public double? RealDataAccuracy { get; init; }
    [Id(14)] public Dictionary<string, double>? RealDataCategoryAccuracy { get; init; }
}
