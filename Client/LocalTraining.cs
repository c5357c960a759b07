using NeuralProgrammer.Model.Training;
using Spectre.Console;

namespace NeuralProgrammer.Client;

/// <summary>Runs a training spec in this process with the single-process trainer, with a live progress bar.</summary>
public static class LocalTraining
{
    public static TrainingResult Run(TrainingSpec spec, string? checkpoint, string? resume, CancellationToken cancellation)
    {
        using var trainer = resume is not null ? Checkpoint.Resume(resume, s => s with { Steps = Math.Max(s.Steps, spec.Steps) }) : new Trainer(spec);
        Evaluation? final = null;
        if (Console.IsOutputRedirected)
        {
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
                    var task = context.AddTask("training", maxValue: trainer.Spec.Steps);
                    task.Value = trainer.Update.Updates;
                    final = trainer.Run(new SynchronousProgress<TrainingProgress>(p =>
                    {
                        task.Value = p.Update;
                        task.Description = ProgressText.Bar(p.Loss, p.LastEvaluation?.Accuracy, p.ExamplesPerSecond, p.NoiseStandardDeviation, p.EvaluationSeconds, p.RemainingSeconds);
                    }), checkpoint, cancellation);
                });
        }
        return TrainingResult.From(trainer.Spec, trainer.Update.Updates, trainer.Elapsed.TotalSeconds, final!, trainer.Curve, trainer.EvaluateOnRealData());
    }
}

/// <summary>Reports on the training thread itself (the default Progress posts to the thread pool, out of order).</summary>
sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
