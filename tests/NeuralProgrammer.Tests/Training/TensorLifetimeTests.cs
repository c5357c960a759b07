using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using TorchSharp;

namespace NeuralProgrammer.Tests.Training;

/// <summary>
/// A training step or an evaluation must leave no TorchSharp tensor alive: one kept by a cache grows the process for
/// good, and one left to the finalizer holds native memory (often a view of a large buffer) that the GC does not see.
/// Counted with this thread's dispose-scope statistics, so tests running in parallel do not disturb the count.
/// </summary>
public class TensorLifetimeTests
{
    static TrainingSpec Spec(DatasetVariant variant, double memoryWeight) => new()
    {
        Variant = variant,
        TrainingExamples = 100,
        TestExamples = 30,
        Steps = 100,
        Seed = 5,
        // No noise: its draw is made on a pool thread, which this thread's statistics do not see.
        HyperParameters = HyperParameters.Default with { Dimension = 16, BatchSize = 10, NoiseEta = 0, ProgramMemoryWeight = memoryWeight },
    };

    [Theory]
    [InlineData(DatasetVariant.TextMatch2, 0.0)]
    [InlineData(DatasetVariant.Columns3, 1000.0)]
    public void StepsAndEvaluationsLeaveNoTensorAlive(DatasetVariant variant, double memoryWeight)
    {
        using var trainer = new Trainer(Spec(variant, memoryWeight));
        // The first step and evaluation make what a network keeps for good (Combination's index tensors, gradients).
        trainer.Step();
        trainer.Evaluate();
        var statistics = DisposeScopeManager.Statistics;
        long live = statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 10; i++) trainer.Step();
        trainer.Evaluate();

        Assert.Equal(live, statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void EncodingABatchAndMovingFlatVectorsLeaveNoTensorAlive()
    {
        using var trainer = new Trainer(Spec(DatasetVariant.TextMatch2, 0));
        var examples = trainer.TrainingSet.Take(10).ToList();
        var statistics = DisposeScopeManager.Statistics;
        long live = statistics.ThreadTotalLiveCount;

        using (EncodedBatch.Encode(examples, trainer.Vocabulary)) { }
        using (var weights = ParameterVector.Weights(trainer.Network)) ParameterVector.SetWeights(trainer.Network, weights);
        using (var gradients = ParameterVector.Gradients(trainer.Network)) ParameterVector.SetGradients(trainer.Network, gradients);
        using (ParameterVector.FromBytes(ParameterVector.ToBytes(trainer.Update.Weights))) { }

        Assert.Equal(live, statistics.ThreadTotalLiveCount);
    }
}
