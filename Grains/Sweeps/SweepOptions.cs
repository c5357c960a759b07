namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>Tuning of the sweep grain's loop; configure with <c>services.Configure&lt;SweepOptions&gt;(...)</c> (tests poll faster).</summary>
public sealed class SweepOptions
{
    /// <summary>How often the sweep polls its running trials, applies early stopping and starts queued ones.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Period of the reminder that re-activates a running sweep whose silo died (when the silo has a reminder service;
    /// without one, the next call to the sweep re-activates it). Orleans' minimum is one minute.
    /// </summary>
    public TimeSpan ResumeReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
