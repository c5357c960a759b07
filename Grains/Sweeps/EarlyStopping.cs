using System.Globalization;

namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>
/// A trial as the early-stopping rules see it: its curve as scores (higher is better, see <see cref="SweepObjective"/>)
/// by update, in update order; whether it was stopped early; its length; and the ASHA rungs it has passed.
/// </summary>
public sealed record TrialCurve(int Number, IReadOnlyList<(long Update, double Score)> Points, bool StoppedEarly, long TotalSteps, int RungsPassed)
{
    public long LastUpdate => Points.Count == 0 ? 0 : Points[^1].Update;
}

/// <summary>What a rule decided for a trial: stop it (with the reason), and the ASHA rungs it has now passed.</summary>
public readonly record struct StopDecision(bool Stop, string? Reason, int RungsPassed)
{
    public static StopDecision Continue(int rungsPassed) => new(false, null, rungsPassed);
}

/// <summary>
/// The early-stopping rules, on evaluation steps. Pure functions of the curves, so that the sweep grain's decisions can
/// be tested without a cluster and are the same after a restart.
/// </summary>
/// <remarks>
/// <para><b>Median stopping rule</b> (Golovin et al., "Google Vizier", KDD 2017; as in Ray Tune): at a trial's latest
/// evaluation s ≥ <see cref="EarlyStoppingPlan.MinSteps"/>, take every other trial that has reached s and was not
/// itself stopped early, and each one's running mean of scores up to s; with at least
/// <see cref="EarlyStoppingPlan.MinTrials"/> of them, stop the trial if its best score up to s is strictly below their
/// median. (Vizier takes completed trials; we also take running ones that are past s, so a sweep whose trials all run
/// at once can stop too, and we leave stopped ones out so that a cluster of bad trials does not drag the median down.)</para>
/// <para><b>ASHA</b> (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020): rungs at
/// r·η^k updates (r = MinSteps) below the trial's length. When a trial first reaches a rung, its best score up to that
/// rung is compared with the scores recorded there by the trials that reached it before (stopped ones included); below
/// their (1 − 1/η) quantile it is stopped, otherwise it goes on to the next rung. Being asynchronous, the first trials
/// to reach a rung always go on.</para>
/// </remarks>
public static class EarlyStopping
{
    const double Tolerance = 1e-12;

    /// <summary>The decision for <paramref name="trial"/> after its latest evaluation, given every trial of the sweep (itself included or not).</summary>
    public static StopDecision Decide(EarlyStoppingPlan plan, SweepObjective objective, TrialCurve trial, IReadOnlyList<TrialCurve> all) => plan.Rule switch
    {
        EarlyStoppingRule.Median => Median(plan, objective, trial, all),
        EarlyStoppingRule.Asha => Asha(plan, objective, trial, all),
        _ => StopDecision.Continue(trial.RungsPassed),
    };

    static StopDecision Median(EarlyStoppingPlan plan, SweepObjective objective, TrialCurve trial, IReadOnlyList<TrialCurve> all)
    {
        var keep = StopDecision.Continue(trial.RungsPassed);
        if (trial.Points.Count == 0) return keep;
        long s = trial.LastUpdate;
        if (s < plan.MinSteps || s >= trial.TotalSteps) return keep;
        double best = trial.Points.Max(p => p.Score);
        var means = new List<double>();
        foreach (var other in all)
        {
            if (other.Number == trial.Number || other.StoppedEarly || other.LastUpdate < s) continue;
            var upTo = other.Points.Where(p => p.Update <= s).ToList();
            if (upTo.Count > 0) means.Add(upTo.Average(p => p.Score));
        }
        if (means.Count < plan.MinTrials) return keep;
        double median = Quantile(means, 0.5);
        if (best < median - Tolerance)
            return new StopDecision(true,
                $"median rule at update {s}: best {objective.Name} {Show(objective, best)} is below the median {Show(objective, median)} " +
                $"of {means.Count} other trials' running means", trial.RungsPassed);
        return keep;
    }

    static StopDecision Asha(EarlyStoppingPlan plan, SweepObjective objective, TrialCurve trial, IReadOnlyList<TrialCurve> all)
    {
        int passed = trial.RungsPassed;
        for (int k = passed; ; k++)
        {
            long rung = Rung(plan, k);
            if (rung >= trial.TotalSteps || rung > trial.LastUpdate) break;
            double value = RungScore(trial, rung)!.Value;
            var recorded = all.Where(o => o.Number != trial.Number && o.LastUpdate >= rung && (o.RungsPassed > k || o.StoppedEarly || o.LastUpdate >= o.TotalSteps))
                .Select(o => RungScore(o, rung)).OfType<double>().ToList();
            if (recorded.Count > 0)
            {
                double cutoff = Quantile(recorded, 1 - 1.0 / plan.ReductionFactor);
                if (value < cutoff - Tolerance)
                    return new StopDecision(true,
                        $"ASHA rung {k} (update {rung}): best {objective.Name} {Show(objective, value)} is below the top-1/{plan.ReductionFactor} cutoff " +
                        $"{Show(objective, cutoff)} of {recorded.Count} trials there", k);
            }
            passed = k + 1;
        }
        return StopDecision.Continue(passed);
    }

    /// <summary>Updates of ASHA's rung k: MinSteps·η^k.</summary>
    public static long Rung(EarlyStoppingPlan plan, int k)
    {
        double r = plan.MinSteps * Math.Pow(plan.ReductionFactor, k);
        return r >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)r;
    }

    /// <summary>
    /// A trial's score at a rung: its best score up to the first evaluation at or after the rung (the sweep polls, so it may
    /// not have seen the evaluation at the rung itself); null if it has not reached the rung.
    /// </summary>
    static double? RungScore(TrialCurve trial, long rung)
    {
        int at = -1;
        for (int i = 0; i < trial.Points.Count; i++)
            if (trial.Points[i].Update >= rung) { at = i; break; }
        if (at < 0) return null;
        double best = double.NegativeInfinity;
        for (int i = 0; i <= at; i++) best = Math.Max(best, trial.Points[i].Score);
        return best;
    }

    /// <summary>The q-quantile with linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        var sorted = values.Order().ToArray();
        double rank = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    static string Show(SweepObjective objective, double score)
    {
        double value = objective.Maximize ? score : -score;
        return objective.Name == SweepObjective.Loss ? value.ToString("G4", CultureInfo.InvariantCulture) : (100 * value).ToString("F1", CultureInfo.InvariantCulture) + "%";
    }
}
