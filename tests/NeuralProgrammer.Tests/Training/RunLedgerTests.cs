using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Tests.Training;

public class RunLedgerTests
{
    [Fact]
    public void ThroughputCountsTrainingTimeOnlyAndTheTimeLeftCountsBoth()
    {
        var ledger = new RunLedger(batchSize: 50, evaluateEvery: 10, totalUpdates: 100);
        var longer = new RunLedger(batchSize: 50, evaluateEvery: 10, totalUpdates: 105);
        Assert.Null(ledger.Remaining(0));
        foreach (var run in new[] { ledger, longer })
        {
            for (int i = 0; i < 10; i++) run.Stepped(TimeSpan.FromMilliseconds(100), loss: i);
            run.Evaluated(TimeSpan.FromSeconds(4));
        }

        Assert.Equal(500, ledger.ExamplesPerSecond, 6); // 10 × 50 examples in 1 s of steps; the 4 s of evaluation do not count
        Assert.Equal(TimeSpan.FromSeconds(4), ledger.Evaluation);
        // 90 updates at 0.1 s and 9 evaluations (at 20, 30, …, 100) at 4 s.
        Assert.Equal(TimeSpan.FromSeconds(9 + 36), ledger.Remaining(10));
        // A total that is not a multiple of E ends with one more evaluation.
        Assert.Equal(TimeSpan.FromSeconds(9.5 + 40), longer.Remaining(10));
        Assert.Equal(TimeSpan.Zero, ledger.Remaining(100));
    }

    [Fact]
    public void ACurvePointsLossIsTheMeanSinceTheLastEvaluation()
    {
        var ledger = new RunLedger(batchSize: 1, evaluateEvery: 3, totalUpdates: 10);
        Assert.True(double.IsNaN(ledger.LastLoss));
        foreach (var loss in new[] { 3.0, 5.0, 10.0 }) ledger.Stepped(TimeSpan.FromMilliseconds(1), loss);
        Assert.Equal(6, ledger.TakeLossSinceEvaluation());
        Assert.True(double.IsNaN(ledger.TakeLossSinceEvaluation()));
        ledger.Stepped(TimeSpan.FromMilliseconds(1), 2);
        Assert.Equal((2.0, 2.0), (ledger.TakeLossSinceEvaluation(), ledger.LastLoss));
    }

    [Fact]
    public void ARunEvaluatesEveryEUpdatesAndAfterItsLast()
    {
        var ledger = new RunLedger(batchSize: 1, evaluateEvery: 4, totalUpdates: 10);
        Assert.Equal([4L, 8, 10], Enumerable.Range(1, 10).Select(u => (long)u).Where(ledger.EvaluationDue));
    }
}
