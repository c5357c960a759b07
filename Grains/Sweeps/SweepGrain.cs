using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>
/// A hyperparameter sweep (docs/architecture.md 2.2, Sweeps). <see cref="Start"/> plans the trials and stores them; a
/// grain timer then runs the sweep one tick at a time (<see cref="SweepOptions.PollInterval"/>): poll the running
/// trials' jobs, stop the ones the early-stopping rule condemns (<see cref="ITrainingJobGrain.Cancel"/>), and start
/// queued trials as training jobs <c>{sweep}/trial-{n}</c> while fewer than the concurrency limit run. Orleans places
/// the jobs over the silos. The bookkeeping is <see cref="SweepLedger"/>'s; this grain does the calls and the storage.
/// </summary>
/// <remarks>
/// <para>Never holding the turn: each tick is a short turn of calls; the query methods are always-interleave.</para>
/// <para>Restart. The state (spec, every trial's state, curve and early-stopping request) is written to grain storage
/// <c>np</c> whenever it changes, and a trial is stored as running <i>before</i> its job is started. A new activation
/// (after the silo died or shut down) that finds the sweep running starts the timer again and polls the trials it had
/// started: a job that does not exist yet is started, one that exists (running, or completed meanwhile) is only
/// observed, so a completed trial is never run again and no trial is started twice. Something has to call the sweep
/// for the new activation to exist: any query (np sweep polls every second) or, where the silo has a reminder service,
/// the sweep's resume reminder (every <see cref="SweepOptions.ResumeReminderPeriod"/>).</para>
/// </remarks>
public sealed partial class SweepGrain : Grain, ISweepGrain, IRemindable
{
    const string ResumeReminder = "sweep-resume";

    readonly IPersistentState<SweepGrainState> stored;
    readonly ILogger<SweepGrain> logger;
    readonly SweepOptions options;
    readonly string silo;
    SweepLedger? ledger;
    readonly SemaphoreSlim writing = new(1, 1);
    IGrainTimer? timer;
    bool dirty;
    long writtenVersion = -1;

    public SweepGrain([PersistentState("sweep", "np")] IPersistentState<SweepGrainState> stored, ILogger<SweepGrain> logger,
        IOptions<SweepOptions> options, ILocalSiloDetails siloDetails)
    {
        this.stored = stored;
        this.logger = logger;
        this.options = options.Value;
        silo = siloDetails.SiloAddress.ToString();
    }

    string SweepId => this.GetPrimaryKeyString();
    SweepGrainState S => stored.State;
    SweepLedger Ledger => ledger ??= new SweepLedger(SweepId, S);
    static DateTimeOffset Now => DateTimeOffset.UtcNow;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.State == SweepState.None) return Task.CompletedTask;
        if (S.State == SweepState.Running || Ledger.Running.Any())
        {
            // This activation replaces one that was lost (its silo died or shut down): go on polling and launching.
            S.Resumes++;
            dirty = true;
            LogResuming(SweepId, Ledger.Count(TrialState.Completed), Ledger.Running.Count(), S.Trials.Count);
            StartTimer();
        }
        SweepMetrics.Report(Ledger);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        timer?.Dispose();
        if (S.State != SweepState.None && (dirty || Ledger.Version != writtenVersion)) await Write();
        SweepMetrics.Remove(SweepId);
    }

    public async Task<SweepStatus> Start(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(SweepId)) throw new SweepSpecException(["SweepId = '': a sweep needs a non-empty id"]);
        if (S.State != SweepState.None)
            throw new SweepStateException(SweepId, S.State, $"Sweep '{SweepId}' already exists ({S.State.ToString().ToLowerInvariant()}); start the new one under another id.");

        stored.State = SweepLedger.Create(SweepId, spec, Now);
        ledger = null;
        await stored.WriteStateAsync();
        LogStarted(SweepId, S.Trials.Count, Ledger.Concurrency, Ledger.Plan.Strategy, Ledger.EarlyStopping.Name);
        await Catalog(SweepId, "sweep", $"{Ledger.Plan.Strategy} sweep of {S.Trials.Count} trials, {Ledger.Concurrency} at a time, " +
                                        $"objective {Ledger.Objective.Name}, early stopping {Ledger.EarlyStopping.Name}");
        await TryRegisterReminder();
        SweepMetrics.Report(Ledger);
        StartTimer();
        return Ledger.Status(silo, Now);
    }

    public Task<SweepStatus> GetStatus() => Task.FromResult(Known() ? Ledger.Status(silo, Now) : throw new SweepNotFoundException(SweepId));

    public Task<SweepResults> GetResults() => Task.FromResult(Known() ? Ledger.Results(silo, Now) : throw new SweepNotFoundException(SweepId));

    public Task<SweepSpec> GetSpec() => Task.FromResult(Known() ? S.Spec! : throw new SweepNotFoundException(SweepId));

    public async Task<SweepStatus> Cancel()
    {
        if (!Known()) throw new SweepNotFoundException(SweepId);
        if (S.State == SweepState.Running)
        {
            Ledger.Cancel(Now);
            LogCancelled(SweepId);
            await CancelRunningTrials();
            await Write();
        }
        return Ledger.Status(silo, Now);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being activated was the point: OnActivateAsync resumed a running sweep. A finished one drops the reminder.
        if (reminderName == ResumeReminder && S.State != SweepState.Running && !Ledger.Running.Any()) await TryUnregisterReminder();
    }

    // ---- The loop -------------------------------------------------------------------------------------------------

    void StartTimer()
    {
        timer?.Dispose();
        timer = this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = options.PollInterval,
            KeepAlive = true,
            Interleave = false,
        });
    }

    async Task Tick(CancellationToken cancellation)
    {
        try
        {
            if (S.State == SweepState.Running)
            {
                await Task.WhenAll(Ledger.Running.ToList().Select(Poll));
                var launched = Ledger.Launch(Now);
                if (launched.Count > 0)
                {
                    // Stored as running before their jobs exist: a restart then polls them and starts the ones never started.
                    await Write();
                    await Task.WhenAll(launched.Select(StartTrial));
                }
                if (Ledger.TryFinish(Now))
                {
                    var best = Ledger.Best();
                    LogFinished(SweepId, S.State, best?.Number, best is null ? null : Ledger.ObjectiveOf(best), S.Trials.Sum(t => t.Steps), S.Trials.Sum(t => t.TotalSteps));
                }
            }
            else if (Ledger.Running.Any())
            {
                await CancelRunningTrials(); // a cancelled sweep whose trials' cancellation failed: try again
            }
            if (dirty || Ledger.Version != writtenVersion) await Write();
            SweepMetrics.Report(Ledger);
            if (S.State != SweepState.Running && !Ledger.Running.Any() && !dirty)
            {
                timer?.Dispose();
                timer = null;
                await TryUnregisterReminder();
            }
        }
        catch (Exception exception)
        {
            LogTickFailed(exception, SweepId);
        }
    }

    ITrainingJobGrain Job(TrialRecord trial) => GrainFactory.GetGrain<ITrainingJobGrain>(trial.JobId);

    async Task Poll(TrialRecord trial)
    {
        var job = Job(trial);
        try
        {
            JobStatus status;
            try
            {
                status = await job.GetStatus();
            }
            catch (JobNotFoundException)
            {
                // Stored as launched, but the sweep stopped before the job was started: start it now.
                await StartTrial(trial);
                return;
            }
            var decision = Ledger.Observe(trial, await Observation(job, status), Now);
            if (decision.Stop && trial.State == TrialState.Running)
            {
                LogStopping(SweepId, trial.Number, decision.Reason);
                await Write(); // the request survives a restart, which then cancels the job again
                var after = await job.Cancel();
                Ledger.Observe(trial, await Observation(job, after), Now);
            }
        }
        catch (Exception exception)
        {
            Ledger.PollFailed(trial, exception);
            if (trial.PollFailures is 1 or 10 or 100) LogPollFailed(SweepId, trial.Number, trial.PollFailures, exception.Message);
        }
    }

    static async Task<JobObservation> Observation(ITrainingJobGrain job, JobStatus status) =>
        JobObservation.From(status, status.State == JobState.Completed ? await job.GetResult() : null);

    async Task StartTrial(TrialRecord trial)
    {
        var job = Job(trial);
        try
        {
            S.JobStarts++;
            var status = await job.Start(Ledger.JobSpecOf(trial));
            Ledger.Observe(trial, JobObservation.From(status), Now);
            await Catalog(trial.JobId, "trial", $"trial {trial.Number} of sweep {SweepId}: {SweepPlanner.Describe(trial.Parameters)}");
        }
        catch (JobStateException)
        {
            // Already started (by an activation of this sweep that died before storing it): the next poll observes it.
        }
        catch (JobSpecException exception)
        {
            Ledger.StartFailed(trial, $"its job was refused: {exception.Message}", Now);
        }
        catch (Exception exception)
        {
            // Unreachable for now; the next tick polls it, and starts it if the start did not get through.
            Ledger.PollFailed(trial, exception);
            LogPollFailed(SweepId, trial.Number, trial.PollFailures, exception.Message);
        }
    }

    async Task CancelRunningTrials()
    {
        await Task.WhenAll(Ledger.Running.ToList().Select(async trial =>
        {
            var job = Job(trial);
            try
            {
                var status = await job.Cancel();
                Ledger.Observe(trial, await Observation(job, status), Now);
            }
            catch (JobNotFoundException)
            {
                Ledger.StartFailed(trial, "the sweep was cancelled before the trial's job started", Now);
            }
            catch (Exception exception)
            {
                Ledger.PollFailed(trial, exception);
            }
        }));
    }

    /// <summary>
    /// Stores the state (one write at a time: polls that stop trials write in parallel); a failed write is retried on
    /// the next tick. A write refused for its ETag means an earlier write reached storage though its reply was lost (a
    /// Redis write that timed out under load): this activation's ETag is stale and every further write would fail, so
    /// the activation ends, and the next one (the next call, or the resume reminder) goes on from what storage holds,
    /// as after a lost silo (the same rule as the training job's).
    /// </summary>
    async Task Write()
    {
        await writing.WaitAsync();
        try
        {
            long version = Ledger.Version;
            await stored.WriteStateAsync();
            dirty = false;
            writtenVersion = version;
        }
        catch (Exception exception)
        {
            dirty = true;
            LogWriteFailed(exception, SweepId);
            if (exception.GetBaseException() is Orleans.Storage.InconsistentStateException)
            {
                timer?.Dispose();
                timer = null;
                DeactivateOnIdle();
            }
        }
        finally
        {
            writing.Release();
        }
    }

    async Task Catalog(string id, string kind, string description)
    {
        try { await GrainFactory.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).Add(new CatalogEntry(id, kind, description, DateTimeOffset.UtcNow)); }
        catch (Exception exception) { LogCatalogFailed(id, exception.Message); }
    }

    bool Known()
    {
        if (S.State != SweepState.None) return true;
        DeactivateOnIdle(); // an unknown id: do not keep an empty activation around
        return false;
    }

    // ---- Reminder -------------------------------------------------------------------------------------------------

    Task TryRegisterReminder() =>
        this.TryRegisterReminderAsync(ResumeReminder, options.ResumeReminderPeriod, e => LogNoReminder(SweepId, e.Message));

    Task TryUnregisterReminder() => this.TryUnregisterReminderAsync(ResumeReminder, e => LogNoReminder(SweepId, e.Message));

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep} started: {Trials} trials ({Strategy}), {Concurrency} at a time, early stopping {Rule}")]
    partial void LogStarted(string sweep, int trials, int concurrency, string strategy, string rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep} resumes: {Completed} trials completed, {Running} running, of {Trials}")]
    partial void LogResuming(string sweep, int completed, int running, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: stopping trial {Trial} early: {Reason}")]
    partial void LogStopping(string sweep, int trial, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep} {State}: best trial {Best} (objective {Objective}), {StepsRun} of {StepsBudget} updates run")]
    partial void LogFinished(string sweep, SweepState state, int? best, double? objective, long stepsRun, long stepsBudget);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep} cancelled")]
    partial void LogCancelled(string sweep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: polling trial {Trial} failed ({Failures} in a row): {Error}")]
    partial void LogPollFailed(string sweep, int trial, int failures, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: writing its state failed; it is written again on the next tick")]
    partial void LogWriteFailed(Exception exception, string sweep);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweep {Sweep}: a timer tick failed")]
    partial void LogTickFailed(Exception exception, string sweep);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sweep {Sweep}: no resume reminder ({Reason}); a lost sweep resumes on its next call")]
    partial void LogNoReminder(string sweep, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not record {Id} in the job catalog: {Reason}")]
    partial void LogCatalogFailed(string id, string reason);
}
