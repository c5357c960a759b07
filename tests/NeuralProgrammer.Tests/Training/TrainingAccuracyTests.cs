using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Tests.Training;

/// <summary>
/// The model learns the single-column aggregation and comparison questions (sum, count, print, greater/lesser n then
/// sum/count/print). Configuration: <see cref="TrainingPresets.Demo"/> — d = 256, batch 50, 10,000 training examples,
/// 2,000 updates, Adam lr 1e-3, clip 5, no gradient noise, seed 1; about a minute on 2 cores.
/// </summary>
public class TrainingAccuracyTests
{
    [Fact]
    public void LearnsAggregationAndComparisonToNinetyNinePercent()
    {
        var spec = TrainingPresets.Demo;
        using var trainer = new Trainer(spec);
        trainer.Run();

        var freshTest = SyntheticData.Generate(spec.Variant, 2_000, seed: 424_242, DataSplit.Test, spec.Categories);
        var evaluation = Evaluator.Evaluate(trainer.Network, trainer.Vocabulary, freshTest);

        Assert.True(evaluation.Accuracy >= 0.99,
            $"test accuracy {evaluation.Accuracy:P2} after {trainer.Update.Updates} updates; per category: " +
            string.Join(", ", evaluation.PerCategory.Select(p => $"{p.Key} {p.Value.Correct}/{p.Value.Total}")));
        foreach (var category in spec.Categories!)
            Assert.True(evaluation.CategoryAccuracy(category) >= 0.98, $"{category}: {evaluation.CategoryAccuracy(category):P2}");
    }
}
