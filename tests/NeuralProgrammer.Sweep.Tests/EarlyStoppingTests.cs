namespace NeuralProgrammer.Sweep.Tests;

/// <summary>The median stopping rule and ASHA on hand-made curves.</summary>
public sealed class EarlyStoppingTests
{
    static readonly SweepObjective Accuracy = SweepObjective.Default;
    static readonly EarlyStoppingPlan Median = new(EarlyStoppingRule.Median, MinSteps: 20, MinTrials: 3, ReductionFactor: 3);
    static readonly EarlyStoppingPlan Asha = new(EarlyStoppingRule.Asha, MinSteps: 10, MinTrials: 3, ReductionFactor: 3);

    /// <summary>A trial evaluated every 10 updates with these scores.</summary>
    static TrialCurve Curve(int number, double[] scores, bool stopped = false, long total = 100, int rungs = 0) =>
        new(number, scores.Select((s, i) => ((long)(10 * (i + 1)), s)).ToList(), stopped, total, rungs);

    [Fact]
    public void TheMedianRuleStopsATrialWhoseBestIsBelowTheMedianOfTheOthersRunningMeans()
    {
        var others = new[] { Curve(1, [0.2, 0.4, 0.6]), Curve(2, [0.1, 0.3, 0.5]), Curve(3, [0.0, 0.2, 0.4, 0.6]) };
        // At update 30 the others' running means are 0.4, 0.3 and 0.2: median 0.3.
        var bad = Curve(4, [0.1, 0.25, 0.2]);
        var decision = EarlyStopping.Decide(Median, Accuracy, bad, [.. others, bad]);
        Assert.True(decision.Stop);
        Assert.Equal("median rule at update 30: best accuracy 25.0% is below the median 30.0% of 3 other trials' running means", decision.Reason);
        // Its best equal to the median: not strictly worse, it goes on.
        var tied = Curve(4, [0.1, 0.3, 0.2]);
        Assert.False(EarlyStopping.Decide(Median, Accuracy, tied, [.. others, tied]).Stop);
    }

    [Fact]
    public void TheMedianRuleWaitsForMinStepsAndEnoughComparableTrials()
    {
        var bad = Curve(9, [0.0]); // update 10 < MinSteps 20
        var others = new[] { Curve(1, [0.5, 0.6]), Curve(2, [0.5, 0.6]), Curve(3, [0.5, 0.6]) };
        Assert.False(EarlyStopping.Decide(Median, Accuracy, bad, others).Stop);
        bad = Curve(9, [0.0, 0.0]);
        Assert.True(EarlyStopping.Decide(Median, Accuracy, bad, others).Stop);
        // Trials that have not reached update 20, or were stopped early, are not compared with.
        var fewer = new[] { Curve(1, [0.5, 0.6]), Curve(2, [0.5, 0.6]), Curve(3, [0.5]), Curve(4, [0.5, 0.6], stopped: true) };
        Assert.False(EarlyStopping.Decide(Median, Accuracy, bad, fewer).Stop);
        // A finished trial is never stopped.
        Assert.False(EarlyStopping.Decide(Median, Accuracy, Curve(9, [0.0, 0.0], total: 20), others).Stop);
    }

    [Fact]
    public void ForALossObjectiveLowerIsBetter()
    {
        var loss = new SweepObjective(SweepObjective.Loss, Maximize: false);
        TrialCurve Losses(int n, params double[] values) => Curve(n, values.Select(v => loss.PointScore(new SweepPoint(0, double.NaN, v))).ToArray());
        var others = new[] { Losses(1, 10, 5), Losses(2, 12, 6), Losses(3, 11, 6) };
        var decision = EarlyStopping.Decide(Median, loss, Losses(4, 40, 30), [.. others]);
        Assert.True(decision.Stop);
        Assert.Contains("best loss 30 is below the median 8.5", decision.Reason);
        Assert.False(EarlyStopping.Decide(Median, loss, Losses(4, 9, 3), [.. others]).Stop);
    }

    [Fact]
    public void AshaPromotesTheTopThirdAtEachRungAndAlwaysTheFirstArrivals()
    {
        Assert.Equal([10L, 30, 90, 270], Enumerable.Range(0, 4).Select(k => EarlyStopping.Rung(Asha, k)));
        // The first trial to reach rung 0 (update 10) goes on.
        var first = Curve(1, [0.5]);
        Assert.Equal(StopDecision.Continue(1), EarlyStopping.Decide(Asha, Accuracy, first, [first]));
        var recorded = new[] { Curve(1, [0.5], rungs: 1), Curve(2, [0.3], rungs: 1), Curve(3, [0.1], stopped: true) };
        // Rung 0 cutoff: the 2/3 quantile of 0.5, 0.3, 0.1 = 0.3667.
        var low = Curve(4, [0.35]);
        var decision = EarlyStopping.Decide(Asha, Accuracy, low, [.. recorded, low]);
        Assert.True(decision.Stop);
        Assert.Equal("ASHA rung 0 (update 10): best accuracy 35.0% is below the top-1/3 cutoff 36.7% of 3 trials there", decision.Reason);
        var high = Curve(4, [0.4]);
        Assert.Equal(StopDecision.Continue(1), EarlyStopping.Decide(Asha, Accuracy, high, [.. recorded, high]));
        // Between rungs nothing is decided; at rung 1 (update 30) it is compared with the trials that passed rung 0 and reached 30.
        var on = Curve(4, [0.4, 0.4], rungs: 1);
        Assert.Equal(StopDecision.Continue(1), EarlyStopping.Decide(Asha, Accuracy, on, [.. recorded, on]));
        var ahead = new[] { Curve(1, [0.5, 0.6, 0.9], rungs: 2), Curve(2, [0.3, 0.5, 0.6], rungs: 2) };
        on = Curve(4, [0.4, 0.4, 0.5], rungs: 1);
        decision = EarlyStopping.Decide(Asha, Accuracy, on, [.. ahead, on]);
        Assert.True(decision.Stop);
        Assert.Contains("ASHA rung 1 (update 30)", decision.Reason);
        // A rung at or past the trial's end is no rung: the trial completes instead.
        Assert.Equal(StopDecision.Continue(1), EarlyStopping.Decide(Asha, Accuracy, Curve(4, [0.4, 0.0, 0.0], total: 30, rungs: 1), [.. ahead]));
    }

    [Fact]
    public void QuantilesInterpolateLikeNumpy()
    {
        Assert.Equal(2.5, EarlyStopping.Quantile([4, 1, 3, 2], 0.5));
        Assert.Equal(3, EarlyStopping.Quantile([1, 3, 5], 0.5));
        Assert.Equal(20.0 / 3, EarlyStopping.Quantile([0, 10], 2.0 / 3), 12);
        Assert.Equal(7, EarlyStopping.Quantile([7], 0.9));
    }
}
