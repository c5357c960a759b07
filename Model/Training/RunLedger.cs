namespace NeuralProgrammer.Model.Training;

/// <summary>
/// A run's bookkeeping between evaluations, the same for the single-process trainer and the cluster's job grain: the
/// training loss since the last evaluation (a curve point's loss), and where the time goes, for progress that tells
/// the truth: time in training steps and time in evaluations kept apart, so that examples/s is the training
/// throughput (evaluation excluded) and the remaining time counts both: the updates left at the mean step time, and
/// the evaluations left at the mean evaluation time.
/// </summary>
public sealed class RunLedger(int batchSize, int evaluateEvery, long totalUpdates)
{
    long steps;
    int evaluations;
    double lossSinceEvaluation;
    int stepsSinceEvaluation;

    public TimeSpan Training { get; private set; }
    public TimeSpan Evaluation { get; private set; }
    /// <summary>The loss of the latest step (NaN before the first).</summary>
    public double LastLoss { get; private set; } = double.NaN;

    public void Stepped(TimeSpan time, double loss)
    {
        steps++;
        Training += time;
        LastLoss = loss;
        lossSinceEvaluation += loss;
        stepsSinceEvaluation++;
    }

    /// <summary>The mean training loss since the previous call (NaN without a step since): an evaluation's curve point.</summary>
    public double TakeLossSinceEvaluation()
    {
        var mean = stepsSinceEvaluation == 0 ? double.NaN : lossSinceEvaluation / stepsSinceEvaluation;
        (lossSinceEvaluation, stepsSinceEvaluation) = (0, 0);
        return mean;
    }

    public void Evaluated(TimeSpan time)
    {
        evaluations++;
        Evaluation += time;
    }

    /// <summary>Whether a run evaluates after update <paramref name="update"/>: every E updates, and after the last.</summary>
    public bool EvaluationDue(long update) => update % evaluateEvery == 0 || update >= totalUpdates;

    /// <summary>Training examples per second of training time since this clock started (0 before the first step).</summary>
    public double ExamplesPerSecond => steps == 0 || Training <= TimeSpan.Zero ? 0 : steps * (double)batchSize / Training.TotalSeconds;

    /// <summary>The time left to reach the run's last update from <paramref name="update"/>; null until a step was timed.</summary>
    public TimeSpan? Remaining(long update)
    {
        long total = totalUpdates;
        if (steps == 0) return null;
        long left = Math.Max(0, total - update);
        // Evaluations at every multiple of E up to the total, and one at the end when the total is not a multiple.
        long evaluationsLeft = total / evaluateEvery - update / evaluateEvery + (total % evaluateEvery != 0 && left > 0 ? 1 : 0);
        var perEvaluation = evaluations == 0 ? TimeSpan.Zero : Evaluation / evaluations;
        return Training / steps * left + perEvaluation * evaluationsLeft;
    }
}
