namespace NeuralProgrammer.Grains;

/// <summary>Where a sweep is in its life. <see cref="None"/> is a sweep id that was never started.</summary>
[GenerateSerializer, Alias("np.SweepState")]
public enum SweepState
{
    None = 0,
    Running = 1,
    /// <summary>Every trial ended (completed, stopped early or failed).</summary>
    Completed = 2,
    Cancelled = 3,
    /// <summary>Every trial failed.</summary>
    Failed = 4,
}

/// <summary>Where a trial is: waiting for a slot, training, or how it ended.</summary>
[GenerateSerializer, Alias("np.TrialState")]
public enum TrialState
{
    Queued = 0,
    Running = 1,
    Completed = 2,
    /// <summary>Stopped by the early-stopping rule; <see cref="TrialResult.Reason"/> says why.</summary>
    StoppedEarly = 3,
    /// <summary>The job failed; <see cref="TrialResult.Reason"/> has its error.</summary>
    Failed = 4,
    /// <summary>The sweep was cancelled before the trial ended, or its job was cancelled outside the sweep.</summary>
    Cancelled = 5,
}

/// <summary>A searched field's value in one trial, as text in the invariant culture.</summary>
[GenerateSerializer, Immutable, Alias("np.SweepAssignment")]
public sealed record SweepAssignment(
    [property: Id(0)] string Name,
    [property: Id(1)] string Value);

/// <summary>One evaluation of a trial: test accuracy, the mean training loss since the previous one, and the validation accuracy when the trial has a validation set.</summary>
[GenerateSerializer, Immutable, Alias("np.SweepPoint")]
public sealed record SweepPoint(
    [property: Id(0)] long Update,
    [property: Id(1)] double Accuracy,
    [property: Id(2)] double Loss)
{
    [Id(3)] public double? ValidationAccuracy { get; init; }
}

/// <summary>
/// One row of a sweep's results: the trial's values, its objective and best test accuracy, how far it trained, its
/// wall time (job start to end, or to now while it runs) and state, with the reason for a failure or an early stop.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.TrialResult")]
public sealed record TrialResult(
    /// <summary>1-based; the job is <c>{sweep}/trial-{Number}</c>.</summary>
    [property: Id(0)] int Number,
    [property: Id(1)] string JobId,
    [property: Id(2)] SweepAssignment[] Parameters,
    [property: Id(3)] TrialState State,
    /// <summary>The objective's value; null before the trial's first evaluation.</summary>
    [property: Id(4)] double? Objective,
    [property: Id(5)] double? BestAccuracy,
    /// <summary>The update of <see cref="BestAccuracy"/>.</summary>
    [property: Id(6)] long? BestAccuracyUpdate,
    [property: Id(7)] double? FinalAccuracy,
    /// <summary>Updates trained.</summary>
    [property: Id(8)] long Steps,
    /// <summary>Updates the trial would train to the end.</summary>
    [property: Id(9)] long TotalSteps,
    [property: Id(10)] double WallSeconds,
    [property: Id(11)] string? Reason,
    [property: Id(12)] DateTimeOffset? Started,
    [property: Id(13)] DateTimeOffset? Finished,
    /// <summary>The evaluations seen (all of them for a completed trial; while it runs, those the sweep polled).</summary>
    [property: Id(14)] SweepPoint[] Curve)
{
    /// <summary>
    /// The test accuracy of the evaluation that did best on the validation set (the latest among equals): the best
    /// checkpoint chosen without the test set, unlike <see cref="BestAccuracy"/>. Null without a validation set.
    /// </summary>
    [Id(15)] public double? ValidatedAccuracy { get; init; }
    /// <summary>The update of <see cref="ValidatedAccuracy"/>.</summary>
    [Id(16)] public long? ValidatedUpdate { get; init; }
}

/// <summary>A sweep's summary, as <c>np sweep</c> shows it live.</summary>
[GenerateSerializer, Immutable, Alias("np.SweepStatus")]
public sealed record SweepStatus(
    [property: Id(0)] string SweepId,
    [property: Id(1)] SweepState State,
    /// <summary>The objective's name, e.g. <c>accuracy</c>.</summary>
    [property: Id(2)] string Objective,
    [property: Id(3)] bool Maximize,
    [property: Id(4)] int Trials,
    [property: Id(5)] int Queued,
    [property: Id(6)] int Running,
    [property: Id(7)] int Completed,
    [property: Id(8)] int StoppedEarly,
    [property: Id(9)] int Failed,
    [property: Id(10)] int Cancelled,
    [property: Id(11)] int Concurrency,
    /// <summary>The best trial so far (completed, stopped early or running), by objective; ties go to the lower number.</summary>
    [property: Id(12)] TrialResult? Best,
    /// <summary>Updates trained by all trials, and what they would have trained without early stopping.</summary>
    [property: Id(13)] long StepsRun,
    [property: Id(14)] long StepsBudget,
    [property: Id(15)] string? Error,
    /// <summary>Activations of the sweep after the first (its silo died or restarted and it resumed).</summary>
    [property: Id(16)] int Resumes,
    /// <summary>The silo holding the sweep now.</summary>
    [property: Id(17)] string Silo,
    [property: Id(18)] DateTimeOffset Created,
    [property: Id(19)] DateTimeOffset? Finished,
    /// <summary>The early-stopping rule (<c>none</c>, <c>median</c>, <c>asha</c>).</summary>
    [property: Id(20)] string EarlyStopping)
{
    /// <summary>Trials that ended, whichever way.</summary>
    public int Ended => Completed + StoppedEarly + Failed + Cancelled;
}

/// <summary>The results table: the summary and one row per trial, in trial order.</summary>
[GenerateSerializer, Immutable, Alias("np.SweepResults")]
public sealed record SweepResults(
    [property: Id(0)] SweepStatus Status,
    [property: Id(1)] TrialResult[] Trials);
