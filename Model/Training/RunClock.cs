namespace NeuralProgrammer.Model.Training;

/// <summary>
/// Where a run's time goes, for progress that tells the truth: time in training steps and time in evaluations kept
/// apart, so that examples/s is the training throughput (evaluation excluded) and the remaining time counts both:
/// the updates left at the mean step time, and the evaluations left at the mean evaluation time. Used by the
/// single-process trainer and by the cluster's job grain alike.
/// </summary>
public sealed class RunClock(int batchSize, int evaluateEvery)
{
    long steps;
    int evaluations;

    public TimeSpan Training { get; private set; }
    public TimeSpan Evaluation { get; private set; }

    public void Stepped(TimeSpan time)
    {
        steps++;
        Training += time;
    }

    public void Evaluated(TimeSpan time)
    {
        evaluations++;
        Evaluation += time;
    }

    /// <summary>Training examples per second of training time since this clock started (0 before the first step).</summary>
    public double ExamplesPerSecond => steps == 0 || Training <= TimeSpan.Zero ? 0 : steps * (double)batchSize / Training.TotalSeconds;

    /// <summary>The time left to reach <paramref name="total"/> updates from <paramref name="update"/>; null until a step was timed.</summary>
    public TimeSpan? Remaining(long update, long total)
    {
        if (steps == 0) return null;
        long left = Math.Max(0, total - update);
        // Evaluations at every multiple of E up to the total, and one at the end when the total is not a multiple.
        long evaluationsLeft = total / evaluateEvery - update / evaluateEvery + (total % evaluateEvery != 0 && left > 0 ? 1 : 0);
        var perEvaluation = evaluations == 0 ? TimeSpan.Zero : Evaluation / evaluations;
        return Training / steps * left + perEvaluation * evaluationsLeft;
    }
}
