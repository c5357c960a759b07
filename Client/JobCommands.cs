using System.CommandLine;
using NeuralProgrammer.Grains;
using Orleans.Runtime;
using Spectre.Console;

namespace NeuralProgrammer.Client;

/// <summary>Commands about jobs on a cluster: <c>status</c>, <c>watch</c>, <c>list</c>, <c>cancel</c> and <c>result</c>.</summary>
public static class JobCommands
{
    static Argument<string> JobId() => new("job") { Description = "The job id (np list shows them)" };

    static Command WithJob(string name, string description, Func<ITrainingJobGrain, ParseResult, CancellationToken, Task> action)
    {
        var job = JobId();
        var command = new Command(name, description) { job, ClusterSession.ClusterOption };
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            await using var session = await ClusterSession.Open(parse, cancellation);
            await action(session.Grains.GetGrain<ITrainingJobGrain>(parse.GetValue(job)!), parse, cancellation);
        }));
        return command;
    }

    public static Command Status() => WithJob("status", "Show a job's state, progress and last evaluation", async (job, _, _) =>
    {
        var status = await job.GetStatus();
        if (status.State == JobState.None) throw new JobNotFoundException(status.JobId);
        var p = status.Progress;
        var table = new Table().HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("job", Markup.Escape(status.JobId));
        table.AddRow("state", status.State.ToString().ToLowerInvariant() + (status.Error is null ? "" : $": {Markup.Escape(status.Error)}"));
        table.AddRow("update", $"{p.Update:N0} / {p.TotalUpdates:N0}");
        table.AddRow("loss", $"{p.Loss:F3}");
        table.AddRow("accuracy", p.LastEvaluation is { } e ? $"{100 * e.Accuracy:F2}% at update {e.Update:N0}" : "not evaluated yet");
        table.AddRow("examples/s (training time)", $"{p.ExamplesPerSecond:F0}");
        table.AddRow("evaluation time", $"{p.EvaluationSeconds:F1} s");
        table.AddRow("time left", ProgressText.Duration(p.RemainingSeconds));
        table.AddRow("step time", $"compute {1000 * p.ComputeSeconds:F1} ms, communication {1000 * p.CommunicationSeconds:F1} ms");
        table.AddRow("workers", $"{status.Workers} on {Markup.Escape(string.Join(", ", status.WorkerSilos.Distinct()))}");
        if (status.ShardSilos.Length > 0)
            table.AddRow("parameter server", $"{status.ShardSilos.Length} shard{(status.ShardSilos.Length == 1 ? "" : "s")} on {Markup.Escape(string.Join(", ", status.ShardSilos.Distinct()))}");
        table.AddRow("recovery", $"{status.Resumes} resumes, {status.WorkerRetries} worker retries");
        AnsiConsole.Write(table);
    });

    public static Command Watch() => WithJob("watch", "Follow a job's progress live until it ends", async (job, _, cancellation) =>
    {
        var status = await job.GetStatus();
        if (status.State == JobState.None) throw new JobNotFoundException(status.JobId);
        var final = await Follow(job, cancellation);
        AnsiConsole.MarkupLine($"job {Markup.Escape(final.JobId)}: {final.State.ToString().ToLowerInvariant()}");
    });

    public static Command Cancel() => WithJob("cancel", "Cancel a running job (its last checkpoint and curve are kept)", async (job, _, _) =>
    {
        var status = await job.Cancel();
        AnsiConsole.MarkupLine($"job {Markup.Escape(status.JobId)}: {status.State.ToString().ToLowerInvariant()}");
    });

    public static Command Result()
    {
        var output = new Option<string?>("--out") { Description = "Directory for result.json and curve.png (default runs/<job>)" };
        var command = WithJob("result", "Print a completed job's accuracy and programs; write its result JSON and learning curve", async (job, parse, _) =>
        {
            var jobResult = await job.GetResult();
            var result = JobResults.ToTrainingResult(jobResult);
            RunReport.Print(result);
            var directory = parse.GetValue(output) ?? Path.Combine("runs", job.GetPrimaryKeyString().Replace('/', '-'));
            var (json, plot) = RunReport.Write(result, directory);
            var model = await JobResults.SaveModel(job, jobResult, directory);
            AnsiConsole.MarkupLine($"result: {Markup.Escape(json)}, learning curve: {Markup.Escape(plot)}{(model is null ? "" : $", model: {Markup.Escape(model)}")}");
        });
        command.Options.Add(output);
        return command;
    }

    public static Command List()
    {
        var command = new Command("list", "List the jobs and sweeps started on the cluster, with their state") { ClusterSession.ClusterOption };
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            await using var session = await ClusterSession.Open(parse, cancellation);
            var entries = await session.Grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).List();
            var table = new Table().AddColumn("id").AddColumn("kind").AddColumn("what").AddColumn("started").AddColumn("state").AddColumn(new TableColumn("accuracy").RightAligned());
            foreach (var entry in entries.OrderBy(e => e.Started))
            {
                string state = "", accuracy = "";
                if (entry.Kind is "job" or "trial")
                {
                    var status = await session.Grains.GetGrain<ITrainingJobGrain>(entry.Id).GetStatus();
                    state = status.State.ToString().ToLowerInvariant();
                    accuracy = status.Progress.LastEvaluation is { } e ? $"{100 * e.Accuracy:F2}%" : "";
                }
                table.AddRow(Markup.Escape(entry.Id), entry.Kind, Markup.Escape(entry.Description), $"{entry.Started:u}", state, accuracy);
            }
            AnsiConsole.Write(table);
            if (entries.Length == 0)
                AnsiConsole.MarkupLine(session.Embedded ? "no jobs: this is a fresh embedded silo (name a cluster with --cluster)" : "no jobs");
        }));
        return command;
    }

    /// <summary>How long <see cref="Follow"/> (and a sweep's) keeps trying to follow a job it lost contact with (its silo or our gateway died).</summary>
    internal static readonly TimeSpan ReconnectWindow = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Shows a job's progress live (a bar when the console is interactive, a line per evaluation otherwise) until it ends.
    /// When the stream breaks because a silo died (ours as gateway, or the job's), it follows the job again: the new
    /// call goes through a live gateway and re-activates the job on a live silo, where it resumes from its checkpoint.
    /// </summary>
    public static async Task<JobProgress> Follow(ITrainingJobGrain job, CancellationToken cancellation)
    {
        JobProgress? last = null;
        long lastPrinted = -1;
        async Task Consume(Action<JobProgress> show, Action<Exception> lost)
        {
            var lastHeard = DateTime.UtcNow;
            while (true)
            {
                try
                {
                    await foreach (var progress in job.Watch(cancellation).WithCancellation(cancellation))
                    {
                        last = progress;
                        lastHeard = DateTime.UtcNow;
                        show(progress);
                        if (progress.State is not JobState.Running) return;
                    }
                    if (last is { State: not JobState.Running }) return;
                }
                // TimeoutException: no answer from a dead gateway or silo; OrleansException: e.g. SiloUnavailableException;
                // EnumerationAbortedException: the stream's server side is gone (the job re-activated, or our gateway changed).
                catch (Exception e) when (e is TimeoutException or OrleansException or EnumerationAbortedException && !cancellation.IsCancellationRequested
                                          && DateTime.UtcNow - lastHeard < ReconnectWindow)
                {
                    lost(e);
                }
                if (DateTime.UtcNow - lastHeard >= ReconnectWindow) return; // the caller asks the job's status
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        }

        if (Console.IsOutputRedirected)
        {
            PreparationPhase? shown = null;
            await Consume(p =>
            {
                // Where the workers' program search starts and where their preparation ends, as np train --local prints them.
                if (p.Preparation is { } prepared)
                {
                    bool searchStarts = prepared is { Phase: PreparationPhase.ProgramSearch, Groups: > 0 } && shown is not PreparationPhase.ProgramSearch;
                    bool ready = prepared.Phase == PreparationPhase.Ready && shown is not PreparationPhase.Ready;
                    if (searchStarts || ready)
                    {
                        shown = prepared.Phase;
                        Console.WriteLine(ProgressText.Preparation(prepared));
                    }
                }
                if (p.LastEvaluation is { } e && e.Update != lastPrinted)
                {
                    lastPrinted = e.Update;
                    Console.WriteLine(ProgressText.Evaluation(e.Update, p.TotalUpdates, e.Loss, e.Accuracy, p.ExamplesPerSecond, p.EvaluationSeconds, p.RemainingSeconds));
                }
            }, e => Console.WriteLine(e is TimeoutException
                ? "no progress from the job within the call timeout (it is busy, e.g. building its program memory, or its silo is gone); following it again"
                : $"lost the job's progress ({e.GetType().Name}: {Shorten(e.Message.Split('\n')[0].Trim())}); following it again"));
        }
        else
        {
            await AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    ProgressTask? preparing = null;
                    var task = context.AddTask("training");
                    await Consume(p =>
                    {
                        if (p.Preparation is { } prepared)
                        {
                            preparing ??= context.AddTaskBefore("preparing", task, autoStart: true, maxValue: 1);
                            preparing.Description = Markup.Escape(ProgressText.Preparation(prepared));
                            preparing.MaxValue = Math.Max(1, prepared.Groups);
                            preparing.Value = prepared.Searched;
                        }
                        else if (preparing is { IsFinished: false })
                        {
                            preparing.Value = preparing.MaxValue;
                            preparing.StopTask();
                        }
                        task.MaxValue = Math.Max(1, p.TotalUpdates);
                        task.Value = p.Update;
                        task.Description = double.IsNaN(p.Loss) ? "training" : ProgressText.Bar(p.Loss, p.LastEvaluation?.Accuracy, p.ExamplesPerSecond, p.NoiseStandardDeviation, p.EvaluationSeconds, p.RemainingSeconds);
                    }, e => task.Description = $"lost contact ({e.GetType().Name}); following the job again");
                });
        }
        return last ?? (await job.GetStatus()).Progress;
    }

    /// <summary>Orleans' messages carry the grain's whole scheduler state: a console line needs its start.</summary>
    static string Shorten(string message) => message.Length <= 160 ? message : message[..160] + "…";
}
