using System.Globalization;
using NeuralProgrammer.Grains;

namespace NeuralProgrammer.Client;

/// <summary>
/// How training progress reads on the console, for local runs and cluster jobs alike: examples/s of training time,
/// the time spent evaluating apart, and the time left (steps and evaluations to come).
/// </summary>
public static class ProgressText
{
    /// <summary>A line per evaluation, for redirected output.</summary>
    public static string Evaluation(long update, long total, double loss, double accuracy, double examplesPerSecond, double evaluationSeconds, double remainingSeconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"update {update,7}/{total}  loss {loss,10:F3}  accuracy {100 * accuracy,6:F2}%  {examplesPerSecond,6:F0} ex/s training  evaluation {evaluationSeconds,5:F1} s  left {Duration(remainingSeconds)}");

    /// <summary>The live progress bar's description.</summary>
    public static string Bar(double loss, double? accuracy, double examplesPerSecond, double noise, double evaluationSeconds, double remainingSeconds) =>
        string.Create(CultureInfo.InvariantCulture,
            $"loss {loss,9:F3}  {(accuracy is { } a ? $"acc {100 * a:F1}%" : "acc -")}  {examplesPerSecond:F0} ex/s  σ {noise:F3}  eval {evaluationSeconds:F0} s  left {Duration(remainingSeconds)}");

    /// <summary>A cluster job's workers building their data, program memory and replicas (before its first step).</summary>
    public static string Preparation(Preparation p) => p.Phase switch
    {
        PreparationPhase.TrainingSet => $"preparing {Workers(p)}: training set",
        PreparationPhase.ProgramSearch when p.Groups > 0 => $"preparing {Workers(p)}: programs of {p.Groups:N0} questions",
        PreparationPhase.ProgramSearch => $"preparing {Workers(p)}: programs",
        PreparationPhase.Replica => $"preparing {Workers(p)}: replicas",
        _ => $"prepared {Workers(p)} in {p.Seconds.ToString("F1", CultureInfo.InvariantCulture)} s" + (p.Memory is { } memory ? $"; {memory}" : ""),
    };

    static string Workers(Preparation p) => p.Workers == 1 ? "1 worker" : $"{p.Workers} workers";

    /// <summary><c>1:05:09</c>, <c>4:07</c>, or <c>-</c> when not known yet.</summary>
    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "-";
        var time = TimeSpan.FromSeconds(Math.Round(seconds));
        return time.TotalHours >= 1 ? $"{(int)time.TotalHours}:{time:mm\\:ss}" : $"{time.Minutes}:{time:ss}";
    }
}
