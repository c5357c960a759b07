using NeuralProgrammer.Model.Settings;
using System.CommandLine;
using System.Diagnostics;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Model;
using NeuralProgrammer.Grains.Sweeps;
using NeuralProgrammer.Client.SweepPlots;
using Orleans.Runtime;
using Spectre.Console;

namespace NeuralProgrammer.Client;

/// <summary>
/// <c>np sweep</c>: runs a hyperparameter sweep on the cluster (an embedded in-process silo unless <c>--cluster</c>
/// names one) — from a JSON spec (<c>--spec</c>) or the paper's own 72 × 3 sweep (<c>--paper</c>) — shows its trials
/// live, then prints the results table and the best trial and writes <c>results.csv</c>, <c>results.json</c> and the
/// pictures of <see cref="SweepPictures"/>. With only <c>--id</c> it follows a sweep that is already running.
/// </summary>
public static class SweepCommand
{
    const int TableRows = 30;

    public static Command Create()
    {
        var spec = new Option<string?>("--spec") { Description = "A sweep spec as JSON: Base (a job spec), Space, Seeds, Budget, Concurrency, Objective, EarlyStopping (see README, Sweeps)" };
        var paper = new Option<bool>("--paper") { Description = "The paper's sweep: clip {1,5,50} × ε {1e-6,1e-8} × δ {10,25,50} × λ {25,50,75,100} × 3 seeds = 216 trials on single-column" };
        var id = new Option<string?>("--id") { Description = "Sweep id (default: generated); alone, follows the sweep of that id" };
        var steps = new Option<int?>("--steps") { Description = "Updates per trial (default with --paper: 500)" };
        var concurrency = new Option<int?>("--concurrency") { Description = "Trials running at once (default: the spec's, or 2)" };
        var earlyStopping = new Option<string?>("--early-stopping") { Description = "none, median or asha (default: the spec's, or none)" };
        earlyStopping.AcceptOnlyFromAmong("none", "median", "asha");
        var dimension = new Option<int?>("--dim") { Description = "Hidden size d of every trial (default: the spec's; the paper: 256)" };
        var evaluateEvery = new Option<int?>("--eval-every") { Description = "Evaluate every trial every N updates (default with --paper: a fifth of --steps)" };
        var testSize = new Option<int?>("--test-size") { Description = "Test examples of every trial" };
        var output = new Option<string?>("--out") { Description = "Directory for results.csv, results.json and the pictures, PNG and SVG (default runs/<sweep id>)" };
        var printSpec = new Option<bool>("--print-spec") { Description = "Print the sweep spec as JSON and exit: alone, a commented example to start from; with --paper or --spec, that spec with the options applied" };

        var command = new Command("sweep", "Run a hyperparameter sweep as training jobs on the cluster; print the results table and the best trial")
        {
            spec, paper, id, steps, concurrency, earlyStopping, dimension, evaluateEvery, testSize, output, printSpec, ClusterSession.ClusterOption,
        };
        command.SetAction((parse, cancellation) => Cli.RunAsync(() => Translate(async () =>
        {
            var file = parse.GetValue(spec);
            var sweepId = parse.GetValue(id);
            if (file is not null && parse.GetValue(paper)) throw new ArgumentException("--spec and --paper: give one of them.");
            if (parse.GetValue(steps) is < 1) throw new ArgumentException($"--steps {parse.GetValue(steps)}: must be at least 1.");
            if (parse.GetValue(concurrency) is < 1) throw new ArgumentException($"--concurrency {parse.GetValue(concurrency)}: must be at least 1.");

            if (parse.GetValue(printSpec) && file is null && !parse.GetValue(paper))
            {
                if (parse.GetValue(steps) is not null || parse.GetValue(concurrency) is not null || parse.GetValue(earlyStopping) is not null ||
                    parse.GetValue(dimension) is not null || parse.GetValue(evaluateEvery) is not null || parse.GetValue(testSize) is not null)
                    throw new ArgumentException("--print-spec alone prints an example spec; to apply --steps and the like, give --paper or --spec too.");
                Console.WriteLine(ExampleSweepSpec.Text);
                return;
            }

            SweepSpec? sweepSpec = null;
            if (file is not null) sweepSpec = SweepFiles.ParseSpec(File.ReadAllText(file), file);
            else if (parse.GetValue(paper)) sweepSpec = PaperSweep.Create(parse.GetValue(steps) ?? 500, parse.GetValue(concurrency) ?? 2);
            else if (sweepId is null) throw new ArgumentException("give --spec <file.json>, --paper, or the --id of a sweep to follow.");

            if (sweepSpec is not null)
            {
                sweepSpec = Override(sweepSpec, parse.GetValue(steps), parse.GetValue(concurrency), parse.GetValue(earlyStopping),
                    parse.GetValue(dimension), parse.GetValue(evaluateEvery), parse.GetValue(testSize));
                var plan = SweepPlanner.Plan(sweepSpec); // bad input fails here, before any cluster is involved
                if (parse.GetValue(printSpec))
                {
                    Console.WriteLine(SweepFiles.SpecToJson(sweepSpec));
                    return;
                }
                AnsiConsole.MarkupLine($"[bold]Sweep[/] of {plan.Trials.Count} trials ({plan.Strategy}), {plan.Concurrency} at a time, " +
                                       $"objective {plan.Objective.Name}, early stopping {plan.EarlyStopping.Name}");
            }

            sweepId ??= $"sweep-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
            var directory = parse.GetValue(output) ?? Path.Combine("runs", sweepId.Replace('/', '-'));
            AtomicFile.CheckWritable(directory); // before the sweep rather than at its end, when its results are written
            await using var session = await ClusterSession.Open(parse, CancellationToken.None);
            var sweep = session.Grains.GetGrain<ISweepGrain>(sweepId);
            if (sweepSpec is not null) await sweep.Start(sweepSpec);
            else await sweep.GetStatus(); // following: the sweep must exist
            AnsiConsole.MarkupLine($"sweep [bold]{Markup.Escape(sweepId)}[/] on {Markup.Escape(session.Description)}");

            var clock = Stopwatch.StartNew();
            try
            {
                await Follow(sweep, cancellation);
            }
            catch (OperationCanceledException)
            {
                if (session.Embedded) await sweep.Cancel(); // the embedded silo ends with this process: stop its trials
                else AnsiConsole.MarkupLine($"detached; sweep {Markup.Escape(sweepId)} goes on: np sweep --id {Markup.Escape(sweepId)} --cluster {Markup.Escape(parse.GetValue(ClusterSession.ClusterOption)!)}");
                await ReportAll(session.Grains, await sweep.GetResults(), directory, clock.Elapsed, SweepPictures.LogScaled(sweepSpec));
                throw;
            }
            await ReportAll(session.Grains, await sweep.GetResults(), directory, clock.Elapsed, SweepPictures.LogScaled(sweepSpec));
        })));
        return command;
    }

    /// <summary>The spec with the command line's values in place of its own.</summary>
    public static SweepSpec Override(SweepSpec spec, int? steps, int? concurrency, string? earlyStopping, int? dimension, int? evaluateEvery, int? testSize)
    {
        var job = spec.Base ?? new JobSpec();
        if (steps is not null) job = job.With(RunSettings.Steps.Name, $"{steps}") with { Epochs = null };
        if (evaluateEvery is not null) job = job.With(RunSettings.EvaluateEvery.Name, $"{evaluateEvery}");
        if (testSize is not null) job = job.With(RunSettings.TestExamples.Name, $"{testSize}");
        if (dimension is not null) job = job.With(RunSettings.Dimension.Name, $"{dimension}");
        spec = spec with { Base = job };
        if (concurrency is not null) spec = spec with { Concurrency = concurrency };
        if (earlyStopping is not null) spec = spec with { EarlyStopping = (spec.EarlyStopping ?? new EarlyStoppingSpec()) with { Rule = earlyStopping } };
        return spec;
    }

    /// <summary>The sweep's errors as the console's user errors (one line, exit code 1).</summary>
    static async Task Translate(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (SweepSpecException e) { throw new ArgumentException(e.Message, e); }
        catch (SweepNotFoundException e) { throw new ArgumentException(e.Message, e); }
        catch (SweepStateException e) { throw new InvalidOperationException(e.Message, e); }
    }

    /// <summary>
    /// Shows the sweep live until it ends: a bar of the updates all trials have run out of their budget (a sweep of a
    /// few long trials ends none for most of its time), with the counts and the best so far; when output is
    /// redirected, a line per change of counts or best and per 5% of the updates. When the silo holding the sweep (or
    /// our gateway) dies, it asks again, as <see cref="JobCommands.Follow"/> does for a job: the next call re-activates
    /// the sweep on a live silo, where it resumes from storage.
    /// </summary>
    public static async Task<SweepStatus> Follow(ISweepGrain sweep, CancellationToken cancellation)
    {
        var redirected = Console.IsOutputRedirected;
        Task<SweepStatus> Status() => StatusThroughSiloLoss(sweep, redirected, cancellation);
        var status = await Status();
        if (redirected)
        {
            (string, long)? last = null;
            while (true)
            {
                var change = ($"{status.Ended,4}/{status.Trials} ended  {Counts(status)}  {Best(status)}", 20 * status.StepsRun / Math.Max(1, status.StepsBudget));
                if (change != last)
                    Console.WriteLine($"{change.Item1}  {status.StepsRun:N0}/{status.StepsBudget:N0} updates");
                last = change;
                if (status.State != SweepState.Running) return status;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
                status = await Status();
            }
        }
        await AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("updates", maxValue: Math.Max(1, status.StepsBudget));
                while (true)
                {
                    task.MaxValue = Math.Max(1, status.StepsBudget);
                    task.Value = status.StepsRun;
                    task.Description = Markup.Escape($"{status.Ended}/{status.Trials} trials ended: {Counts(status)}  {Best(status)}");
                    if (status.State != SweepState.Running) break;
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
                    status = await Status();
                }
            });
        return status;
    }

    /// <summary>The sweep's status, asked again every second for up to <see cref="JobCommands.ReconnectWindow"/> while no silo answers for it.</summary>
    static async Task<SweepStatus> StatusThroughSiloLoss(ISweepGrain sweep, bool redirected, CancellationToken cancellation)
    {
        var asked = DateTime.UtcNow;
        while (true)
        {
            try
            {
                return await sweep.GetStatus();
            }
            catch (Exception e) when (e is TimeoutException or OrleansException && !cancellation.IsCancellationRequested
                                      && DateTime.UtcNow - asked < JobCommands.ReconnectWindow)
            {
                if (redirected) Console.WriteLine($"lost the sweep's status ({e.GetType().Name}); asking again");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
    }

    static string Counts(SweepStatus s) =>
        $"{s.Running} running, {s.Queued} queued, {s.Completed} completed, {s.StoppedEarly} stopped early, {s.Failed} failed" +
        (s.Cancelled > 0 ? $", {s.Cancelled} cancelled" : "");

    static string Best(SweepStatus s) => s.Best is { } b ? $"best #{b.Number}: {Show(s, b.Objective)}" : "";

    static string Show(SweepStatus s, double? value) =>
        value is not { } v ? "" : s.Objective == SweepObjective.Loss ? $"{v:G4}" : $"{100 * v:F1}%";

    /// <summary>
    /// <see cref="Report"/>, then each completed trial's result as <c>trial-{n}/result.json</c> and <c>curve.png</c>,
    /// as np train writes a run's: accuracy per category, the curve with its validation accuracy, the spec with its
    /// seed, so that <c>np results</c> pools a sweep's seeds into the README's table.
    /// </summary>
    static async Task ReportAll(IGrainFactory grains, SweepResults results, string directory, TimeSpan elapsed, IReadOnlySet<string>? logScaled)
    {
        Report(results, directory, elapsed, logScaled);
        int written = 0;
        foreach (var trial in results.Trials.Where(t => t.State == TrialState.Completed))
        {
            var result = JobResults.ToTrainingResult(await grains.GetGrain<ITrainingJobGrain>(trial.JobId).GetResult());
            RunReport.Write(result, Path.Combine(directory, $"trial-{trial.Number}"));
            written++;
        }
        if (written > 0) AnsiConsole.MarkupLine($"each completed trial's result.json and curve.png: {Markup.Escape(Path.Combine(directory, "trial-<n>"))} ({written})");
    }

    /// <summary>Prints the results table and the best trial; writes results.csv, results.json and the pictures (<see cref="SweepPictures"/>).</summary>
    public static void Report(SweepResults results, string directory, TimeSpan elapsed, IReadOnlySet<string>? logScaled = null)
    {
        var s = results.Status;
        // A log or pipe gets 80 columns by default, too narrow for a column per searched field.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 160) AnsiConsole.Profile.Width = 160;
        var names = results.Trials.SelectMany(t => t.Parameters.Select(p => p.Name)).Distinct().ToList();
        var shown = results.Trials.Length <= TableRows ? results.Trials
            : results.Trials.Where(t => t.Objective is not null).OrderByDescending(t => s.Maximize ? t.Objective : -t.Objective).ThenBy(t => t.Number).Take(TableRows).ToArray();
        var table = new Table().Title(results.Trials.Length <= TableRows ? $"Sweep {s.SweepId}" : $"Sweep {s.SweepId}: the best {shown.Length} of {results.Trials.Length} trials (all in results.csv)")
            .AddColumn(new TableColumn("trial").RightAligned());
        foreach (var name in names) table.AddColumn(new TableColumn(Markup.Escape(SweepPlanner.ShortName(name))).RightAligned());
        bool validated = results.Trials.Any(t => t.ValidatedAccuracy is not null);
        table.AddColumn("state").AddColumn(new TableColumn(Markup.Escape(s.Objective)).RightAligned()).AddColumn(new TableColumn("best acc.").RightAligned());
        if (validated) table.AddColumn(new TableColumn("final").RightAligned()).AddColumn(new TableColumn("best on val.").RightAligned());
        table
            .AddColumn(new TableColumn("steps").RightAligned()).AddColumn(new TableColumn("wall").RightAligned()).AddColumn("reason");
        foreach (var t in shown)
        {
            var row = new List<string> { $"{t.Number}" };
            row.AddRange(names.Select(n => Markup.Escape(t.Parameters.FirstOrDefault(p => p.Name == n)?.Value ?? "")));
            row.Add(StateMarkup(t.State));
            row.Add(Show(s, t.Objective));
            row.Add(t.BestAccuracy is { } a ? $"{100 * a:F1}%" : "");
            if (validated)
            {
                row.Add(t.FinalAccuracy is { } f ? $"{100 * f:F2}%" : "");
                row.Add(t.ValidatedAccuracy is { } v ? $"{100 * v:F2}% @{t.ValidatedUpdate:N0}" : "");
            }
            row.Add($"{t.Steps:N0}/{t.TotalSteps:N0}");
            row.Add($"{t.WallSeconds:F0} s");
            row.Add(Markup.Escape(t.Reason is { Length: > 70 } r ? r[..69] + "…" : t.Reason ?? ""));
            table.AddRow(row.ToArray());
        }
        AnsiConsole.Write(table);

        AnsiConsole.MarkupLine($"{s.Trials} trials: {Markup.Escape(Counts(s))}; {s.StepsRun:N0} of {s.StepsBudget:N0} updates run " +
                               $"({(s.StepsBudget == 0 ? 0 : 1 - s.StepsRun / (double)s.StepsBudget):P0} saved by early stopping {s.EarlyStopping}); " +
                               $"{elapsed.TotalSeconds:F0} s; sweep {s.State.ToString().ToLowerInvariant()}{(s.Error is null ? "" : $": {Markup.Escape(s.Error)}")}");
        if (s.Best is { } best)
            AnsiConsole.MarkupLine($"[bold]best trial {best.Number}[/]: {Markup.Escape(SweepPlanner.Describe(best.Parameters))}: {Markup.Escape(s.Objective)} {Show(s, best.Objective)}" +
                                   $"{(best.BestAccuracyUpdate is { } u ? $" (best accuracy at update {u:N0})" : "")}, job {Markup.Escape(best.JobId)} (np result {Markup.Escape(best.JobId)})");
        else AnsiConsole.MarkupLine("no trial has been evaluated yet");

        var (csv, json) = SweepFiles.Write(results, directory);
        var view = new SweepView(results, logScaled);
        if (view.Evaluated.Count > 1 && view.Parameters.Count > 0) AnsiConsole.WriteLine(ParameterImportance.Summary(ParameterImportance.Compute(view)));
        var pictures = SweepPictures.Write(view, directory);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(string.Join(", ", [csv, json, .. pictures]))} (and each picture as .svg)");
    }

    static string StateMarkup(TrialState state) => state switch
    {
        TrialState.Completed => "[green]completed[/]",
        TrialState.StoppedEarly => "[yellow]stopped early[/]",
        TrialState.Failed => "[red]failed[/]",
        TrialState.Running => "[blue]running[/]",
        _ => state.ToString().ToLowerInvariant(),
    };
}
