using Orleans.Concurrency;
using Orleans.Serialization.Invocation;
using NeuralProgrammer.Model.Settings;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains;

/// <summary>What a job keeps in grain storage <c>np</c>: enough to resume it anywhere and to answer for it forever.</summary>
[GenerateSerializer, Alias("np.TrainingJobState")]
public sealed class TrainingJobState
{
    [Id(0)] public JobState State { get; set; }
    [Id(1)] public JobSpec? Spec { get; set; }
    [Id(2)] public int Workers { get; set; }
    [Id(3)] public string? Device { get; set; }
    [Id(4)] public long TotalUpdates { get; set; }
    [Id(5)] public DateTimeOffset Created { get; set; }
    [Id(6)] public DateTimeOffset? Finished { get; set; }
    [Id(7)] public string? Error { get; set; }
    /// <summary>Weights and Adam moments at the latest evaluation; null until the first one (a resume then starts from the seed).</summary>
    [Id(8)] public ModelCheckpoint? Checkpoint { get; set; }
    /// <summary>The evaluations up to <see cref="Checkpoint"/>.</summary>
    [Id(9)] public List<EvaluationPoint> Curve { get; set; } = [];
    [Id(10)] public JobResult? Result { get; set; }
    [Id(11)] public int Resumes { get; set; }
    [Id(12)] public int WorkerRetries { get; set; }
    [Id(13)] public string? LastRecovery { get; set; }
}

/// <summary>
/// A training job (docs/architecture.md 2.2). The loop runs from a grain timer, one slice of steps per tick
/// (<see cref="TrainingJobOptions.Slice"/>), so the job never holds its turn for the whole run; status, progress,
/// result and watch calls interleave with the steps. Every evaluation writes a checkpoint to storage.
/// </summary>
/// <remarks>
/// Recovery. A worker call that fails is retried by the parameter server on a fresh activation (bounded by
/// <see cref="TrainingJobOptions.WorkerAttempts"/> per step call and <see cref="TrainingJobOptions.StepAttempts"/>
/// step calls per update; then the job fails with the worker, the update and the last error). When
/// the parameter server fails or is found empty (its silo died), the job re-initializes it from the last checkpoint
/// and goes on from that update (bounded by <see cref="TrainingJobOptions.ServerAttempts"/> consecutive failures).
/// When the job's own silo dies, the job resumes from its checkpoint on its next activation: any call to it (np
/// status, np watch, a sweep) or, where the silo has a reminder service, its resume reminder. Data order, noise and
/// schedules are functions of the update number, so a resumed run computes the same weights as an uninterrupted one.
/// </remarks>
[MayInterleave(nameof(IsReminderTick))]
public sealed partial class TrainingJobGrain : Grain, ITrainingJobGrain, IRemindable
{
    /// <summary>
    /// A reminder tick only wakes the job, so it need not wait behind a training slice; waiting, it timed out (30 s)
    /// while a loaded machine evaluated text match 5 inside one, and the silo logged an error for a healthy job.
    /// </summary>
    public static bool IsReminderTick(IInvokable request) => request.GetInterfaceType() == typeof(IRemindable);

    const string ResumeReminder = "resume";

    readonly IPersistentState<TrainingJobState> stored;
    readonly ILogger<TrainingJobGrain> logger;
    readonly TrainingJobOptions options;
    readonly TorchOptions torch;
    readonly List<Channel<JobProgress>> watchers = [];

    IGrainTimer? timer;
    bool serverReady;
    bool dirty;
    int serverFailures;
    int stepFailures;
    long update;
    double lastNoise;
    // Since the last progress report.
    long windowStart = Stopwatch.GetTimestamp();
    int windowSteps;
    double windowCompute, windowCommunication;
    JobProgress? progress;

    public TrainingJobGrain(
        [PersistentState("job", "np")] IPersistentState<TrainingJobState> stored,
        ILogger<TrainingJobGrain> logger, IOptions<TrainingJobOptions> options, IOptions<TorchOptions> torch)
    {
        this.stored = stored;
        this.logger = logger;
        this.options = options.Value;
        this.torch = torch.Value;
        ComputePool.Configure(this.torch);
    }

    TrainingJobState S => stored.State;
    string JobId => this.GetPrimaryKeyString();
    IParameterServerGrain Server => GrainFactory.GetGrain<IParameterServerGrain>(JobId);
    // From the spec, once per activation of a job that has one (ReadSpec); an unknown id never reads them.
    int batchSize;
    RunLedger ledger = null!;

    void ReadSpec()
    {
        var training = JobSpecs.ToTrainingSpec(S.Spec!);
        batchSize = training.HyperParameters.BatchSize;
        ledger = new RunLedger(batchSize, training.EvaluateEvery, training.Steps);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is not null) ReadSpec();
        if (S.State == JobState.Running)
        {
            // This activation replaces one that was lost (its silo died or shut down): go on from the checkpoint.
            S.Resumes++;
            Rewind();
            S.LastRecovery = $"{DateTimeOffset.UtcNow:u}: the job was re-activated; resumed from its checkpoint at update {update}";
            LogResuming(JobId, update);
            StartTimer();
        }
        return Task.CompletedTask;
    }

    public async Task<JobStatus> Start(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(JobId)) throw new JobSpecException(["JobId = '': a job needs a non-empty id"]);
        if (S.State != JobState.None)
            throw new JobStateException(JobId, S.State, $"Job '{JobId}' already exists ({Describe()}); start the new one under another id.");

        var (training, workers) = JobSpecs.Resolve(spec);
        var device = spec[RunSettings.Device.Name] is not null ? training.Device : torch.Device;
        try { TorchDevice.Resolve(device); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { throw new JobSpecException([$"Device = '{device}': {e.Message}"]); }

        stored.State = new TrainingJobState
        {
            State = JobState.Running, Spec = spec, Workers = workers, Device = device, TotalUpdates = training.Steps,
            Created = DateTimeOffset.UtcNow,
        };
        await stored.WriteStateAsync();
        ReadSpec();
        Rewind();
        LogStarted(JobId, workers, training.Steps, training.HyperParameters.BatchSize);
        StartTimer();
        await TryRegisterReminder();
        Publish();
        return Status();
    }

    public Task<JobStatus> GetStatus() => Task.FromResult(Known() ? Status() : throw NotFound());

    public Task<JobProgress> GetProgress() => Task.FromResult(Known() ? Progress() : throw NotFound());

    public Task<JobSpec> GetSpec() => Task.FromResult(Known() ? S.Spec! : throw NotFound());

    public Task<ModelCheckpoint?> GetCheckpoint() => Task.FromResult(Known() ? S.Checkpoint : throw NotFound());

    public Task<JobResult> GetResult()
    {
        if (!Known()) throw NotFound();
        return S.State switch
        {
            JobState.Completed when S.Result is not null => Task.FromResult(S.Result),
            JobState.Failed => throw new JobStateException(JobId, S.State, $"Job '{JobId}' failed at update {update}: {S.Error}"),
            JobState.Cancelled => throw new JobStateException(JobId, S.State, $"Job '{JobId}' was cancelled at update {update}; it has no result."),
            _ => throw new JobStateException(JobId, S.State, $"Job '{JobId}' is still running ({Describe()}); its result comes when it completes."),
        };
    }

    public async Task<JobStatus> Cancel()
    {
        if (!Known()) throw NotFound();
        if (S.State == JobState.Running) await Finish(JobState.Cancelled, "cancelled by request");
        return Status();
    }

    public async IAsyncEnumerable<JobProgress> Watch([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        if (!Known()) throw NotFound();
        var channel = Channel.CreateBounded<JobProgress>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        watchers.Add(channel);
        try
        {
            var first = Progress();
            yield return first;
            if (first.State != JobState.Running) yield break;
            await foreach (var item in channel.Reader.ReadAllAsync(cancellation))
            {
                yield return item;
                if (item.State != JobState.Running) yield break;
            }
        }
        finally
        {
            watchers.Remove(channel);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being activated was the point: OnActivateAsync has resumed a running job. A finished one drops the reminder.
        if (reminderName == ResumeReminder && S.State != JobState.Running) await TryUnregisterReminder();
    }

    // ---- The loop -------------------------------------------------------------------------------------------------

    void StartTimer()
    {
        timer?.Dispose();
        timer = this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.FromMilliseconds(1),
            Period = TimeSpan.FromMilliseconds(1),
            KeepAlive = true,
            Interleave = false,
        });
    }

    async Task Tick(CancellationToken cancellation)
    {
        try
        {
            if (dirty)
            {
                try
                {
                    await stored.WriteStateAsync();
                    dirty = false;
                }
                catch (Exception exception)
                {
                    WriteFailed(exception);
                    return;
                }
            }
            if (S.State != JobState.Running)
            {
                StopTimer();
                return;
            }
            var slice = Stopwatch.StartNew();
            while (S.State == JobState.Running && slice.Elapsed < options.Slice && !cancellation.IsCancellationRequested)
                await StepOnce();
        }
        catch (Exception exception)
        {
            LogTickFailed(exception, JobId);
        }
    }

    async Task StepOnce()
    {
        try
        {
            if (!serverReady)
            {
                await Server.Initialize(new ParameterServerInit(Assignment(), S.Checkpoint));
                serverReady = true;
                await PrepareWorkers();
            }
            long started = Stopwatch.GetTimestamp();
            var report = await Server.Step(update);
            double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
            serverFailures = 0;
            stepFailures = 0;
            OnStep(report, wall);
            if (ledger.EvaluationDue(update)) await EvaluateAndCheckpoint();
            if (update >= S.TotalUpdates) await Complete();
            else if (Stopwatch.GetElapsedTime(windowStart) >= options.ProgressInterval) Publish();
        }
        catch (WorkerFailedException failure)
        {
            // Nothing was applied: ask for the same update again, a bounded number of times.
            stepFailures++;
            S.LastRecovery = $"{DateTimeOffset.UtcNow:u}: {failure.Message}";
            LogStepFailed(failure, JobId, update, stepFailures);
            if (stepFailures >= options.StepAttempts)
                await Finish(JobState.Failed, $"{failure.Message} (update {update} was tried {stepFailures} times)");
        }
        catch (Exception exception) when (S.State == JobState.Running)
        {
            // The parameter server was lost or unreachable: rebuild it from the checkpoint and go on from there.
            serverFailures++;
            LogServerFailed(exception, JobId, update, serverFailures);
            if (serverFailures >= options.ServerAttempts)
            {
                await Finish(JobState.Failed,
                    $"the parameter server failed {serverFailures} times in a row; last error: {exception.GetType().Name}: {exception.Message}");
                return;
            }
            S.Resumes++;
            long at = update;
            Rewind();
            S.LastRecovery = $"{DateTimeOffset.UtcNow:u}: the parameter server failed at update {at} ({exception.GetType().Name}: {exception.Message}); " +
                             $"resumed from the checkpoint at update {update}";
            await Task.Delay(TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryDelay.Ticks << Math.Min(serverFailures - 1, 20))));
        }
    }

    /// <summary>
    /// Lets the workers build their data, program memory and replicas before the first step of this activation,
    /// publishing how far they are (np shows it; the search can take seconds).
    /// </summary>
    async Task PrepareWorkers()
    {
        try
        {
            await foreach (var report in Server.Prepare())
            {
                preparation = report;
                if (report.WorkersReady == report.Workers || Stopwatch.GetElapsedTime(windowStart) >= options.ProgressInterval) Publish();
            }
        }
        catch (Exception exception) when (S.State == JobState.Running)
        {
            LogPreparationFailed(exception, JobId); // the first step builds what is missing, and retries a failed worker
        }
        finally
        {
            preparation = null;
        }
    }

    Preparation? preparation;

    void OnStep(StepReport report, double wall)
    {
        update = report.Update;
        lastNoise = report.NoiseStandardDeviation;
        ledger.Stepped(TimeSpan.FromSeconds(wall), report.Loss);
        S.WorkerRetries += report.Retries;
        if (report.Retries > 0) S.LastRecovery = $"{DateTimeOffset.UtcNow:u}: update {report.Update} retried {report.Retries} worker call(s); last: {report.RetryCause}";
        workerSilos = report.WorkerSilos;
        shardSilos = report.ShardSilos;
        double compute = report.WorkerQueueSeconds + report.WorkerComputeSeconds + report.UpdateSeconds;
        double communication = Math.Max(0, wall - compute);
        windowSteps++;
        windowCompute += compute;
        windowCommunication += communication;

        var job = GrainMetrics.Job(JobId);
        GrainMetrics.TrainingExamples.Add(report.ExampleCount, job);
        GrainMetrics.TrainingLoss.Record(report.Loss, job);
        GrainMetrics.GradientNoise.Record(report.NoiseStandardDeviation, job);
        GrainMetrics.StepDuration.Record(compute, GrainMetrics.Phase(JobId, GrainMetrics.ComputePhase));
        GrainMetrics.StepDuration.Record(communication, GrainMetrics.Phase(JobId, GrainMetrics.CommunicationPhase));
    }

    string[] workerSilos = [], shardSilos = [];

    async Task EvaluateAndCheckpoint()
    {
        long started = Stopwatch.GetTimestamp();
        var evaluation = await Server.Evaluate(options.ProgramSamples);
        var point = new EvaluationPoint(evaluation.Update, ledger.TakeLossSinceEvaluation(), evaluation.Accuracy,
            evaluation.CategoryAccuracy, (DateTimeOffset.UtcNow - S.Created).TotalSeconds) { ValidationAccuracy = evaluation.ValidationAccuracy };
        GrainMetrics.EvalAccuracy.Record(evaluation.Accuracy, GrainMetrics.Job(JobId));
        var checkpoint = await Server.GetCheckpoint();
        S.Curve.RemoveAll(p => p.Update >= point.Update);
        S.Curve.Add(point);
        S.Checkpoint = checkpoint;
        lastEvaluation = evaluation;
        try
        {
            await stored.WriteStateAsync();
            dirty = false;
        }
        catch (Exception exception)
        {
            WriteFailed(exception); // the previous checkpoint stays valid meanwhile
        }
        ledger.Evaluated(Stopwatch.GetElapsedTime(started));
        Publish();
    }

    EvaluationReport? lastEvaluation;

    async Task Complete()
    {
        var evaluation = lastEvaluation ?? await Server.Evaluate(options.ProgramSamples);
        var realData = await Server.EvaluateOnRealData();
        var finished = DateTimeOffset.UtcNow;
        S.Result = new JobResult(JobId, S.Spec!, update, update * batchSize, (finished - S.Created).TotalSeconds, evaluation.Accuracy,
            evaluation.CategoryAccuracy, evaluation.Programs, S.Curve.ToArray(), S.Workers, S.Resumes, S.WorkerRetries, finished)
        {
            RealDataAccuracy = realData.Accuracy,
            RealDataCategoryAccuracy = realData.CategoryAccuracy,
        };
        await Finish(JobState.Completed, null);
    }

    /// <summary>Ends the job in <paramref name="state"/> and stores it; a failed write is retried by the timer until it succeeds.</summary>
    async Task Finish(JobState state, string? error)
    {
        S.State = state;
        S.Error = error;
        S.Finished = DateTimeOffset.UtcNow;
        if (state == JobState.Failed) LogFailed(JobId, update, error);
        else LogFinished(JobId, state, update);
        try
        {
            await stored.WriteStateAsync();
            dirty = false;
            StopTimer();
        }
        catch (Exception exception)
        {
            WriteFailed(exception);
        }
        Publish();
        try { await Server.Release(); }
        catch (Exception exception) { LogReleaseFailed(exception, JobId); }
        serverReady = false;
        await TryUnregisterReminder();
    }

    /// <summary>
    /// A failed write leaves the state dirty, and the next tick writes it again. A write refused for its ETag means an
    /// earlier write reached storage though its reply was lost (a Redis write that timed out under load): this
    /// activation's ETag is stale, every further write would fail too, and the job would stop training for good. So
    /// the activation ends, and the next one (the next call to the job, or its resume reminder) goes on from what
    /// storage holds, as after a lost silo.
    /// </summary>
    void WriteFailed(Exception exception)
    {
        dirty = true;
        LogWriteFailed(exception, JobId);
        if (exception.GetBaseException() is not Orleans.Storage.InconsistentStateException) return;
        timer?.Dispose();
        timer = null;
        this.DeactivateOnIdle();
    }

    void StopTimer()
    {
        if (dirty) return;
        timer?.Dispose();
        timer = null;
    }

    /// <summary>Goes back to the stored checkpoint: the update count, the curve, and a parameter server to rebuild.</summary>
    void Rewind()
    {
        update = S.Checkpoint?.Update ?? 0;
        S.Curve.RemoveAll(p => p.Update > update);
        serverReady = false;
        ledger.TakeLossSinceEvaluation(); // the steps since the checkpoint are redone
        windowStart = Stopwatch.GetTimestamp();
        (windowSteps, windowCompute, windowCommunication) = (0, 0, 0);
    }

    WorkerAssignment Assignment() => new(JobId, S.Spec!, 0, S.Workers, S.Device ?? "cpu");

    // ---- Reporting ----------------------------------------------------------------------------------------------

    bool Known()
    {
        if (S.State != JobState.None) return true;
        DeactivateOnIdle(); // an unknown id: do not keep an empty activation around
        return false;
    }

    JobNotFoundException NotFound() => new(JobId);

    string Describe() => S.State switch
    {
        JobState.Running => $"running, update {update} of {S.TotalUpdates}",
        JobState.Failed => $"failed: {S.Error}",
        _ => S.State.ToString().ToLowerInvariant(),
    };

    JobProgress Progress() => progress ?? MakeProgress();

    JobProgress MakeProgress()
    {
        return new JobProgress(JobId, S.State, update, S.TotalUpdates, ledger.LastLoss, ledger.ExamplesPerSecond, lastNoise,
            windowSteps == 0 ? 0 : windowCompute / windowSteps, windowSteps == 0 ? 0 : windowCommunication / windowSteps,
            S.Curve.LastOrDefault(), DateTimeOffset.UtcNow, ledger.Evaluation.TotalSeconds,
            S.State == JobState.Running ? ledger.Remaining(update)?.TotalSeconds ?? double.NaN : 0, preparation);
    }

    void Publish()
    {
        progress = MakeProgress();
        windowStart = Stopwatch.GetTimestamp();
        (windowSteps, windowCompute, windowCommunication) = (0, 0, 0);
        foreach (var watcher in watchers)
        {
            watcher.Writer.TryWrite(progress);
            if (progress.State != JobState.Running) watcher.Writer.TryComplete();
        }
    }

    JobStatus Status()
    {
        var current = Progress();
        if (current.State != S.State || current.Update != update) current = current with { State = S.State, Update = update };
        return new JobStatus(JobId, S.State, current, S.Workers, S.Error, S.Resumes, S.WorkerRetries, workerSilos, S.Created, S.Finished, S.LastRecovery, shardSilos);
    }

    // ---- Reminder -------------------------------------------------------------------------------------------------

    Task TryRegisterReminder() =>
        this.TryRegisterReminderAsync(ResumeReminder, options.ResumeReminderPeriod, e => LogNoReminder(JobId, e.Message));

    Task TryUnregisterReminder() => this.TryUnregisterReminderAsync(ResumeReminder, e => LogNoReminder(JobId, e.Message));

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} started: {Workers} workers, {Steps} updates of batch {Batch}")]
    partial void LogStarted(string job, int workers, int steps, int batch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} resumes from its checkpoint at update {Update}")]
    partial void LogResuming(string job, long update);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: parameter server failed at update {Update} ({Failures} in a row); resuming from the checkpoint")]
    partial void LogServerFailed(Exception exception, string job, long update, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: update {Update} failed ({Failures} in a row); asking again")]
    partial void LogStepFailed(Exception exception, string job, long update, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} failed at update {Update}: {Error}")]
    partial void LogFailed(string job, long update, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} {State} at update {Update}")]
    partial void LogFinished(string job, JobState state, long update);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: writing its state failed; it is written again on the next tick")]
    partial void LogWriteFailed(Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: releasing the parameter server failed")]
    partial void LogReleaseFailed(Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: preparing the workers failed; the first step builds them")]
    partial void LogPreparationFailed(Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: a timer tick failed")]
    partial void LogTickFailed(Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job}: no resume reminder ({Reason}); a lost job resumes on its next call")]
    partial void LogNoReminder(string job, string reason);
}
