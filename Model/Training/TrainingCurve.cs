using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Model.Training;

/// <summary>One evaluation of a run: the mean training loss since the previous one, the test accuracy and, when the run has a validation set, the validation accuracy.</summary>
public sealed record CurvePoint(long Update, double Loss, double Accuracy, IReadOnlyDictionary<TemplateCategory, double> CategoryAccuracy, double Seconds)
{
    public double? ValidationAccuracy { get; init; }
}

/// <summary>
/// Where a run is, for progress bars and metrics: <see cref="ExamplesPerSecond"/> over training time only,
/// <see cref="EvaluationSeconds"/> the time spent evaluating so far, <see cref="RemainingSeconds"/> the estimate of
/// <see cref="RunLedger.Remaining"/> (NaN before the first step).
/// </summary>
public sealed record TrainingProgress(long Update, long TotalUpdates, double Loss, double ExamplesPerSecond, double NoiseStandardDeviation,
    CurvePoint? LastEvaluation, double EvaluationSeconds, double RemainingSeconds);
