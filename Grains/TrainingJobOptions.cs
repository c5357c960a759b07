namespace NeuralProgrammer.Grains;

/// <summary>
/// Tuning of the training grains' loop and failure handling. The defaults suit a real cluster; configure with
/// <c>services.Configure&lt;TrainingJobOptions&gt;(...)</c> (tests shorten the delays).
/// </summary>
public sealed class TrainingJobOptions
{
    /// <summary>
    /// Calls per worker within one step call to the parameter server. A failed call is retried on a fresh activation
    /// (the worker deactivates itself when it throws; a dead silo's workers are re-placed by Orleans once the silo is
    /// declared dead). With the default delays the attempts of one step take about 16 s, within the 30 s response
    /// timeout of the job's call to the parameter server.
    /// </summary>
    public int WorkerAttempts { get; set; } = 6;

    /// <summary>
    /// Step calls per update that may end with a worker past its <see cref="WorkerAttempts"/> before the job fails
    /// (the update is not applied, so it is simply asked again). Together with the worker attempts this outlasts the
    /// cluster's failure detection (tens of seconds by default), so a dead silo's workers come back elsewhere.
    /// </summary>
    public int StepAttempts { get; set; } = 8;

    /// <summary>Delay before the first retry of a worker; doubles with each further retry, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Consecutive failures of the parameter server (unreachable, or found empty) after which the job fails. Each one
    /// re-initializes it from the job's last checkpoint and goes on from there.
    /// </summary>
    public int ServerAttempts { get; set; } = 6;

    /// <summary>How long one timer tick of the job may go on stepping before it yields its turn.</summary>
    public TimeSpan Slice { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often progress is published to watchers and metrics between evaluations.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Induced programs kept in evaluations and the result.</summary>
    public int ProgramSamples { get; set; } = 8;

    /// <summary>
    /// Period of the reminder that re-activates a running job whose silo died (when the silo has a reminder service;
    /// without one, the next call to the job re-activates it). Orleans' minimum is one minute.
    /// </summary>
    public TimeSpan ResumeReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The planning bench's stand-in for forward/backward (bench/NeuralProgrammer.Bench.Distributed <c>--plan</c>;
    /// silo key <c>Training:SimulatedCompute</c>, e.g. <c>00:00:00.030</c>). Null, the default, trains for real. When set,
    /// a worker builds no training set or replica (<c>Prepare</c> answers ready at once) and, for each gradient request,
    /// pulls every shard's slice as usual, waits this long (a <c>Task.Delay</c>: no CPU), and pushes zero gradients of each
    /// slice's size in the job's wire format with its share of the batch as its example count. The shards still average,
    /// clip, draw noise and apply Adam, so a step costs the delay plus everything but the model's compute.
    /// </summary>
    public TimeSpan? SimulatedCompute { get; set; }
}
