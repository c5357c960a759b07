namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>What the sweep learned about a trial's job in one poll: its status and, once completed, its result.</summary>
public sealed record JobObservation(
    JobState State, long Update, long TotalUpdates, SweepPoint? LastPoint, IReadOnlyList<SweepPoint>? FullCurve,
    DateTimeOffset Created, DateTimeOffset? Finished, string? Error, double? WallSeconds, double? FinalAccuracy)
{
    public static JobObservation From(JobStatus status, JobResult? result = null)
    {
        var p = status.Progress;
        var last = p.LastEvaluation is { } e ? Point(e) : null;
        if (result is not null)
            return new JobObservation(status.State, result.Updates, Math.Max(p.TotalUpdates, result.Updates), last,
                result.Curve.Select(Point).ToArray(), status.Created, status.Finished ?? result.Finished, status.Error, result.WallSeconds, result.Accuracy);
        return new JobObservation(status.State, p.Update, p.TotalUpdates, last, null, status.Created, status.Finished, status.Error, null, null);
    }

    static SweepPoint Point(EvaluationPoint e) => new(e.Update, e.Accuracy, e.Loss) { ValidationAccuracy = e.ValidationAccuracy };
}

/// <summary>
/// The sweep's bookkeeping, free of Orleans: which trials to launch under the concurrency limit, what each poll of a
/// trial's job means (progress, end, early stop), the results table and the best trial. The sweep grain owns one over
/// its stored <see cref="SweepGrainState"/> and does the calls; tests drive it with simulated jobs.
/// </summary>
public sealed class SweepLedger
{
    readonly SweepGrainState state;

    public string SweepId { get; }
    public SweepPlan Plan { get; }
    public SweepObjective Objective => Plan.Objective;
    public EarlyStoppingPlan EarlyStopping => Plan.EarlyStopping;
    public int Concurrency => Plan.Concurrency;
    public SweepGrainState State => state;
    public IReadOnlyList<TrialRecord> Trials => state.Trials;

    /// <summary>Goes up with every change worth storing (a trial's state, a new evaluation, a stop request), not with mere progress.</summary>
    public long Version { get; private set; }

    /// <summary>
    /// Over a stored state (its spec is planned again: planning is deterministic). A stored spec that no longer plans
    /// (a newer version refuses it) fails the sweep with the reason rather than its every activation; its trials keep
    /// their records.
    /// </summary>
    public SweepLedger(string sweepId, SweepGrainState state)
    {
        SweepId = sweepId;
        this.state = state;
        var spec = state.Spec ?? throw new ArgumentException("The sweep state has no spec.", nameof(state));
        try
        {
            Plan = SweepPlanner.Plan(spec);
        }
        catch (SweepSpecException e)
        {
            Plan = new SweepPlan("unknown", [], Math.Max(1, spec.Concurrency ?? 1),
                SweepObjective.TryParse(spec.Objective, out var objective) ? objective : SweepObjective.Default, EarlyStoppingPlan.None);
            if (state.State == SweepState.Running)
            {
                state.State = SweepState.Failed;
                state.Error = $"its stored spec no longer plans: {e.Message}";
                state.Finished = DateTimeOffset.UtcNow;
                foreach (var trial in state.Trials.Where(t => t.State == TrialState.Queued))
                    End(trial, TrialState.Cancelled, "the sweep failed before the trial started", state.Finished.Value);
                Version++;
            }
        }
    }

    /// <summary>A new sweep's state: every planned trial queued. Throws <see cref="SweepSpecException"/> for a bad spec.</summary>
    public static SweepGrainState Create(string sweepId, SweepSpec spec, DateTimeOffset now)
    {
        var plan = SweepPlanner.Plan(spec);
        return new SweepGrainState
        {
            State = SweepState.Running,
            Spec = spec,
            Created = now,
            Trials = plan.Trials.Select(t => new TrialRecord
            {
                Number = t.Number, JobId = TrialJobId(sweepId, t.Number), Parameters = t.Parameters, State = TrialState.Queued,
                TotalSteps = t.Steps, EvaluateEvery = t.EvaluateEvery,
            }).ToList(),
        };
    }

    public static string TrialJobId(string sweepId, int number) => $"{sweepId}/trial-{number}";

    public JobSpec JobSpecOf(TrialRecord trial) => SweepParameters.Apply(state.Spec!.Base ?? new JobSpec(), trial.Parameters);

    public IEnumerable<TrialRecord> Running => state.Trials.Where(t => t.State == TrialState.Running);

    public int Count(TrialState s) => state.Trials.Count(t => t.State == s);

    public bool AllEnded => state.Trials.All(t => t.State is not (TrialState.Queued or TrialState.Running));

    /// <summary>
    /// Marks the next queued trials running, as many as the concurrency limit leaves room for, and returns them: the
    /// caller stores the state, then starts their jobs. Nothing is launched once the sweep is no longer running.
    /// </summary>
    public IReadOnlyList<TrialRecord> Launch(DateTimeOffset now)
    {
        if (state.State != SweepState.Running) return [];
        int room = Concurrency - Running.Count();
        var launched = state.Trials.Where(t => t.State == TrialState.Queued).Take(Math.Max(0, room)).ToList();
        foreach (var trial in launched)
        {
            trial.State = TrialState.Running;
            trial.Started = now;
            Version++;
        }
        state.MaxRunning = Math.Max(state.MaxRunning, Running.Count());
        return launched;
    }

    /// <summary>
    /// Takes in a poll of <paramref name="trial"/>'s job. Returns a decision to stop it early (the caller cancels the job
    /// and observes the result); the rule is asked only when the poll brings a new evaluation.
    /// </summary>
    public StopDecision Observe(TrialRecord trial, JobObservation job, DateTimeOffset now)
    {
        if (trial.State != TrialState.Running) return StopDecision.Continue(trial.RungsPassed);
        trial.PollFailures = 0;
        trial.LastError = null;
        trial.Steps = job.Update;
        if (job.TotalUpdates > 0) trial.TotalSteps = job.TotalUpdates;
        trial.Started = job.Created;
        trial.WallSeconds = job.WallSeconds ?? Math.Max(0, ((job.Finished ?? now) - job.Created).TotalSeconds);
        long lastSeen = trial.Curve.Count == 0 ? -1 : trial.Curve[^1].Update;
        bool fresh = false;
        if (job.FullCurve is { Count: > 0 } full)
        {
            fresh = full[^1].Update > lastSeen;
            trial.Curve = full.OrderBy(p => p.Update).ToList();
            Version++;
        }
        else if (job.LastPoint is { } point && point.Update > lastSeen)
        {
            trial.Curve.Add(point);
            fresh = true;
            Version++;
        }

        switch (job.State)
        {
            case JobState.Completed:
                End(trial, TrialState.Completed, null, job.Finished ?? now);
                trial.FinalAccuracy = job.FinalAccuracy ?? (trial.Curve.Count > 0 ? trial.Curve[^1].Accuracy : null);
                return StopDecision.Continue(trial.RungsPassed);
            case JobState.Failed:
                End(trial, TrialState.Failed, $"failed at update {job.Update}: {job.Error ?? "no reason given"}", job.Finished ?? now);
                return StopDecision.Continue(trial.RungsPassed);
            case JobState.Cancelled:
                if (trial.StopRequested is { } reason) End(trial, TrialState.StoppedEarly, reason, job.Finished ?? now);
                else if (state.State == SweepState.Cancelled) End(trial, TrialState.Cancelled, $"the sweep was cancelled at update {job.Update}", job.Finished ?? now);
                else if (state.State == SweepState.Failed) End(trial, TrialState.Cancelled, $"the sweep failed at update {job.Update}: {state.Error}", job.Finished ?? now);
                else End(trial, TrialState.Cancelled, $"its job was cancelled outside the sweep at update {job.Update}", job.Finished ?? now);
                return StopDecision.Continue(trial.RungsPassed);
            case JobState.None:
                return StopDecision.Continue(trial.RungsPassed);
        }

        if (trial.StopRequested is { } pending) return new StopDecision(true, pending, trial.RungsPassed);
        if (!fresh || state.State != SweepState.Running || EarlyStopping.Rule == EarlyStoppingRule.None) return StopDecision.Continue(trial.RungsPassed);
        var curves = state.Trials.Where(t => t.Curve.Count > 0).Select(CurveOf).ToList();
        var decision = Sweeps.EarlyStopping.Decide(EarlyStopping, Objective, CurveOf(trial), curves);
        trial.RungsPassed = decision.RungsPassed;
        if (decision.Stop) trial.StopRequested = decision.Reason;
        Version++;
        return decision;
    }

    /// <summary>A poll that failed (the job's silo died, a timeout): kept for the table; the next tick polls again.</summary>
    public void PollFailed(TrialRecord trial, Exception error)
    {
        trial.PollFailures++;
        trial.LastError = $"{error.GetType().Name}: {error.Message}";
    }

    /// <summary>The job could not be started (its spec was refused): the trial fails with the reason.</summary>
    public void StartFailed(TrialRecord trial, string reason, DateTimeOffset now) => End(trial, TrialState.Failed, reason, now);

    /// <summary>Cancels the sweep: queued trials are cancelled at once; the caller cancels the running trials' jobs and observes them.</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (state.State != SweepState.Running) return;
        Version++;
        state.State = SweepState.Cancelled;
        state.Finished = now;
        foreach (var trial in state.Trials.Where(t => t.State == TrialState.Queued))
            End(trial, TrialState.Cancelled, "the sweep was cancelled before the trial started", now);
    }

    /// <summary>Ends a running sweep whose trials have all ended: completed, or failed when every trial failed.</summary>
    public bool TryFinish(DateTimeOffset now)
    {
        if (state.State != SweepState.Running || !AllEnded) return false;
        Version++;
        state.Finished = now;
        if (state.Trials.All(t => t.State == TrialState.Failed))
        {
            state.State = SweepState.Failed;
            state.Error = $"all {state.Trials.Count} trials failed; the first: {state.Trials[0].Reason}";
        }
        else state.State = SweepState.Completed;
        return true;
    }

    void End(TrialRecord trial, TrialState end, string? reason, DateTimeOffset when)
    {
        Version++;
        trial.State = end;
        trial.Reason = reason;
        trial.Finished = when;
        if (trial.Started is { } started) trial.WallSeconds = Math.Max(trial.WallSeconds, (when - started).TotalSeconds);
    }

    TrialCurve CurveOf(TrialRecord t) =>
        new(t.Number, t.Curve.Select(p => (p.Update, Objective.PointScore(p))).Where(p => !double.IsNaN(p.Item2)).ToList(),
            t.State == TrialState.StoppedEarly || t.StopRequested is not null, t.TotalSteps, t.RungsPassed);

    // ---- Reporting ----------------------------------------------------------------------------------------------

    /// <summary>The objective's value of a trial so far, or null.</summary>
    public double? ObjectiveOf(TrialRecord trial) => Objective.Value(trial.Curve);

    /// <summary>
    /// The best trial so far among the completed, stopped-early and running ones, by objective; ties go to the lower
    /// number. Failed and cancelled trials are left out.
    /// </summary>
    public TrialRecord? Best()
    {
        TrialRecord? best = null;
        double bestScore = double.NegativeInfinity;
        foreach (var trial in state.Trials)
        {
            if (trial.State is not (TrialState.Completed or TrialState.StoppedEarly or TrialState.Running)) continue;
            if (ObjectiveOf(trial) is not { } value) continue;
            double score = Objective.Score(value);
            if (best is null || score > bestScore)
                (best, bestScore) = (trial, score);
        }
        return best;
    }

    public TrialResult Row(TrialRecord t, DateTimeOffset now)
    {
        var bestPoint = t.Curve.Where(p => !double.IsNaN(p.Accuracy)).OrderByDescending(p => p.Accuracy).ThenBy(p => p.Update).FirstOrDefault();
        double wall = t.State == TrialState.Running && t.Started is { } started ? Math.Max(0, (now - started).TotalSeconds) : t.WallSeconds;
        string? reason = t.Reason ?? (t.State == TrialState.Running && t.LastError is not null ? $"polling: {t.LastError} ({t.PollFailures} in a row)" : null);
        var validated = t.Curve.Where(p => p.ValidationAccuracy is not null).OrderByDescending(p => p.ValidationAccuracy).ThenByDescending(p => p.Update).FirstOrDefault();
        return new TrialResult(t.Number, t.JobId, t.Parameters, t.State, ObjectiveOf(t), bestPoint?.Accuracy, bestPoint?.Update,
            t.FinalAccuracy ?? (t.Curve.Count > 0 ? t.Curve[^1].Accuracy : null), t.Steps, t.TotalSteps, wall, reason, t.Started, t.Finished, t.Curve.ToArray())
        {
            ValidatedAccuracy = validated?.Accuracy,
            ValidatedUpdate = validated?.Update,
        };
    }

    public SweepStatus Status(string silo, DateTimeOffset now)
    {
        var best = Best();
        return new SweepStatus(SweepId, state.State, Objective.Name, Objective.Maximize, state.Trials.Count,
            Count(TrialState.Queued), Count(TrialState.Running), Count(TrialState.Completed), Count(TrialState.StoppedEarly),
            Count(TrialState.Failed), Count(TrialState.Cancelled), Concurrency, best is null ? null : Row(best, now),
            state.Trials.Sum(t => t.Steps), state.Trials.Sum(t => t.TotalSteps), state.Error, state.Resumes, silo, state.Created, state.Finished,
            EarlyStopping.Name);
    }

    public SweepResults Results(string silo, DateTimeOffset now) =>
        new(Status(silo, now), state.Trials.Select(t => Row(t, now)).ToArray());
}
