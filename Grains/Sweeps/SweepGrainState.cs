namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>What a sweep keeps in grain storage <c>np</c>: its spec and every trial's record, enough to resume anywhere.</summary>
[GenerateSerializer, Alias("np.SweepGrainState")]
public sealed class SweepGrainState
{
    [Id(0)] public SweepState State { get; set; }
    [Id(1)] public SweepSpec? Spec { get; set; }
    [Id(2)] public List<TrialRecord> Trials { get; set; } = [];
    [Id(3)] public DateTimeOffset Created { get; set; }
    [Id(4)] public DateTimeOffset? Finished { get; set; }
    [Id(5)] public string? Error { get; set; }
    /// <summary>Activations after the first one.</summary>
    [Id(6)] public int Resumes { get; set; }
    /// <summary>Calls to <see cref="ITrainingJobGrain.Start"/> the sweep made.</summary>
    [Id(7)] public int JobStarts { get; set; }
    /// <summary>The most trials the sweep had running at once.</summary>
    [Id(8)] public int MaxRunning { get; set; }
}

/// <summary>One trial's record in the sweep's state.</summary>
[GenerateSerializer, Alias("np.TrialRecord")]
public sealed class TrialRecord
{
    [Id(0)] public int Number { get; set; }
    [Id(1)] public string JobId { get; set; } = "";
    [Id(2)] public SweepAssignment[] Parameters { get; set; } = [];
    [Id(3)] public TrialState State { get; set; }
    [Id(4)] public long Steps { get; set; }
    [Id(5)] public long TotalSteps { get; set; }
    [Id(6)] public int EvaluateEvery { get; set; }
    [Id(7)] public List<SweepPoint> Curve { get; set; } = [];
    /// <summary>When the sweep launched the trial (its job's creation time once known).</summary>
    [Id(8)] public DateTimeOffset? Started { get; set; }
    [Id(9)] public DateTimeOffset? Finished { get; set; }
    [Id(10)] public double WallSeconds { get; set; }
    [Id(11)] public string? Reason { get; set; }
    /// <summary>The early-stopping rule's reason, set before the job is cancelled: a restart cancels it again if needed.</summary>
    [Id(12)] public string? StopRequested { get; set; }
    [Id(13)] public int RungsPassed { get; set; }
    [Id(14)] public double? FinalAccuracy { get; set; }
    /// <summary>Consecutive failed polls of the job (its silo died, a timeout), and the last error.</summary>
    [Id(15)] public int PollFailures { get; set; }
    [Id(16)] public string? LastError { get; set; }
}
