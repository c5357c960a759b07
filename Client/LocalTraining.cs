using System.Diagnostics;
using NeuralProgrammer.Model.Training;
using Spectre.Console;

namespace NeuralProgrammer.Client;

/// <summary>Runs a training spec in this process with the single-process trainer, with a live progress bar (the program memory's search first, when the spec has one).</summary>
public static class LocalTraining
{
    public static TrainingResult Run(TrainingSpec spec, string? checkpoint, string? resume, CancellationToken cancellation)
    {
        Trainer Create(IProgress<(int Searched, int Groups)> memorySearch) => resume is not null
            ? Checkpoint.Resume(resume, s => s with { Steps = Math.Max(s.Steps, spec.Steps) }, memorySearch)
            : new Trainer(spec, memorySearch);
        // The search alone: from its first report (the groups counted) to its last, not the network's creation after it.
        var clock = new Stopwatch();
        void Time((int Searched, int Groups) p)
        {
            if (p.Searched == 0) clock.Start();
            if (p.Searched == p.Groups) clock.Stop();
        }
        string Searched(Trainer trainer) => $"{trainer.Memory}, searched in {clock.Elapsed.TotalSeconds:F1} s";
        Trainer? trainer = null;
        try
        {
            Evaluation? final = null;
            if (Console.IsOutputRedirected)
            {
                trainer = Create(new SynchronousProgress<(int Searched, int Groups)>(p =>
                {
                    if (p.Searched == 0) Console.WriteLine($"program memory: searching the programs of {p.Groups:N0} questions");
                    Time(p);
                }));
                if (trainer.Memory is not null) Console.WriteLine(Searched(trainer));
                final = trainer.Run(new SynchronousProgress<TrainingProgress>(p =>
                {
                    if (p.LastEvaluation is { } e && e.Update == p.Update)
                        Console.WriteLine(ProgressText.Evaluation(p.Update, p.TotalUpdates, e.Loss, e.Accuracy, p.ExamplesPerSecond, p.EvaluationSeconds, p.RemainingSeconds));
                }), checkpoint, cancellation);
            }
            else
            {
                AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                    .Start(context =>
                    {
                        // Reported from the search's threads, and not always in order.
                        var gate = new object();
                        ProgressTask? search = null;
                        trainer = Create(new SynchronousProgress<(int Searched, int Groups)>(p =>
                        {
                            lock (gate)
                            {
                                search ??= context.AddTask($"program memory: searching the programs of {p.Groups:N0} questions", maxValue: Math.Max(1, p.Groups));
                                search.Value = Math.Max(search.Value, p.Searched);
                                Time(p);
                            }
                        }));
                        if (search is not null)
                        {
                            search.Description = Markup.Escape(Searched(trainer));
                            search.Value = search.MaxValue;
                            search.StopTask();
                        }
                        var task = context.AddTask("training", maxValue: trainer.Spec.Steps);
                        task.Value = trainer.Update.Updates;
                        final = trainer.Run(new SynchronousProgress<TrainingProgress>(p =>
                        {
                            task.Value = p.Update;
                            task.Description = ProgressText.Bar(p.Loss, p.LastEvaluation?.Accuracy, p.ExamplesPerSecond, p.NoiseStandardDeviation, p.EvaluationSeconds, p.RemainingSeconds);
                        }), checkpoint, cancellation);
                    });
            }
            return TrainingResult.From(trainer!.Spec, trainer.Update.Updates, trainer.Elapsed.TotalSeconds, final!, trainer.Curve, trainer.EvaluateOnRealData());
        }
        finally
        {
            trainer?.Dispose();
        }
    }
}

/// <summary>Reports on the training thread itself (the default Progress posts to the thread pool, out of order).</summary>
sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
