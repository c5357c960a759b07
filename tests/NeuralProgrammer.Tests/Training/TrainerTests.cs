using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace NeuralProgrammer.Tests.Training;

public class TrainerTests
{
    static TrainingSpec Small(double noiseEta) => new()
    {
        Variant = DatasetVariant.Columns3,
        TrainingExamples = 200,
        TestExamples = 50,
        Steps = 12,
        EvaluateEvery = 6,
        Seed = 3,
        HyperParameters = HyperParameters.Default with { Dimension = 16, BatchSize = 20, NoiseEta = noiseEta },
    };

    static float[] TrainedWeights(TrainingSpec spec)
    {
        using var trainer = new Trainer(spec);
        trainer.Run();
        return ParameterVector.ToArray(trainer.Update.Weights);
    }

    [Fact]
    public void SameSeedWithoutNoiseGivesIdenticalWeights()
    {
        var a = TrainedWeights(Small(noiseEta: 0));
        var b = TrainedWeights(Small(noiseEta: 0));
        var c = TrainedWeights(Small(noiseEta: 0) with { Seed = 4 });
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void EveryEvaluationAlsoScoresTheValidationSetDrawnApartFromTheTestSet()
    {
        var spec = Small(noiseEta: 0) with { ValidationExamples = 40 };
        using var trainer = new Trainer(spec);
        trainer.Run();

        Assert.Equal(40, trainer.ValidationSet.Count);
        // Drawn apart: no validation example asks its question of a test example's table.
        static string Key(Example e) => e.Question.Text + "|" + string.Join(";", e.Table.Columns.Select(c => string.Join(",", (IEnumerable<object>?)c.Numbers?.Cast<object>() ?? c.Words!)));
        Assert.Empty(trainer.ValidationSet.Select(Key).Intersect(trainer.TestSet.Select(Key)));
        Assert.NotEqual(trainer.TestSet.Select(e => e.Question.Text).Take(40), trainer.ValidationSet.Select(e => e.Question.Text));
        Assert.Equal([6L, 12L], trainer.Curve.Select(p => p.Update));
        Assert.All(trainer.Curve, p => Assert.NotNull(p.ValidationAccuracy));
        Assert.Equal(Evaluator.Evaluate(trainer.Network, trainer.Vocabulary, trainer.ValidationSet).Accuracy, trainer.Curve[^1].ValidationAccuracy);
        Assert.Equal(Evaluator.Evaluate(trainer.Network, trainer.Vocabulary, trainer.TestSet).Accuracy, trainer.Curve[^1].Accuracy);

        using var without = new Trainer(Small(noiseEta: 0));
        without.Run();
        Assert.Empty(without.ValidationSet);
        Assert.All(without.Curve, p => Assert.Null(p.ValidationAccuracy));
    }

    [Fact]
    public void ResumingACheckpointContinuesTheSameRunExactly()
    {
        var spec = Small(noiseEta: 1);
        var uninterrupted = TrainedWeights(spec);
        var path = Path.Combine(Path.GetTempPath(), $"np-{Guid.NewGuid():N}.ckpt");
        try
        {
            using (var first = new Trainer(spec with { Steps = 6 }))
            {
                first.Run(checkpointPath: path);
                Assert.Equal(6, Checkpoint.ReadHeader(path).Updates);
            }
            using var resumed = Checkpoint.Resume(path, s => s with { Steps = 12 });
            Assert.Equal(6, resumed.Update.Updates);
            resumed.Run();
            Assert.Equal(uninterrupted, ParameterVector.ToArray(resumed.Update.Weights));
            Assert.Equal(2, resumed.Curve.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FlatGradientsAndWeightsRoundTripInLayoutOrder()
    {
        using var network = Replica.CreateNetwork(Small(0));
        var layout = ParameterVector.Layout(network);
        Assert.Equal(["operation_embeddings", "word_embeddings.weight"], layout.Take(2).Select(p => p.Name));
        Assert.Equal(ParameterVector.Count(network), layout.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b)));

        var values = arange(ParameterVector.Count(network), ScalarType.Float32) / 1000;
        ParameterVector.SetWeights(network, values);
        Assert.True(ParameterVector.Weights(network).eq(values).all().item<bool>());
        Assert.Equal(1f / 1000, network.named_parameters().First().parameter.view(-1)[1].item<float>(), 6);

        ParameterVector.SetGradients(network, values * 2);
        var bytes = ParameterVector.ToBytes(ParameterVector.Gradients(network));
        Assert.True(ParameterVector.FromBytes(bytes).eq(values * 2).all().item<bool>());
        Assert.Throws<ArgumentException>(() => ParameterVector.SetWeights(network, zeros(3)));
    }

    [Fact]
    public void AReplicaKeepsItsParametersAndGradientsInOneFlatTensorEach()
    {
        var spec = Small(0);
        var trainingSet = DataSets.Training(spec);
        using var replica = new Replica(spec, trainingSet, null, CPU);
        using var plain = Replica.CreateNetwork(spec);
        using var weights = ParameterVector.Weights(plain) * 1.5f;
        replica.SetWeights(weights);
        ParameterVector.SetWeights(plain, weights);
        using (var set = ParameterVector.Weights(replica.Network)) Assert.True(set.eq(weights).all().item<bool>());

        using var first = replica.Compute(0);
        using var gathered = ParameterVector.Gradients(replica.Network);
        Assert.True(first.Gradient.eq(gathered).all().item<bool>()); // each parameter's gradient is a view of the flat one

        var examples = Replica.Schedule(spec).Indices(0).Select(i => trainingSet[i]).ToList();
        using var batch = EncodedBatch.Encode(examples, Vocabulary.All);
        using var reference = GradientComputation.Compute(plain, batch, 0);
        Assert.True(first.Gradient.allclose(reference.Gradient, rtol: 1e-5, atol: 1e-7));

        using var copy = first.Gradient.clone();
        replica.Network.zero_grad(); // drops the gradients (set_to_none): the next computation points them back
        using var again = replica.Compute(0); // zeroed before, not added to
        Assert.True(again.Gradient.allclose(copy, rtol: 1e-5, atol: 1e-7));
        Assert.Throws<ArgumentException>(() => replica.SetWeights(zeros(3)));
    }

    [Theory]
    [InlineData(WireFormat.BFloat16, 1.0 / 256)] // 8 significant bits
    [InlineData(WireFormat.Float16, 1.0 / 2048)] // 11
    public void SixteenBitWireFormatsHalveTheBytesAndRoundToTheirPrecision(WireFormat format, double relativeError)
    {
        using var values = sin(arange(10_000, ScalarType.Float32)) * 3;
        var bytes = ParameterVector.ToBytes(values, format);
        Assert.Equal(values.numel() * 2, bytes.Length);
        using var back = ParameterVector.FromBytes(bytes, format: format);
        Assert.Equal(ScalarType.Float32, back.dtype);
        using var error = (back - values).abs() / values.abs().clamp_min(1e-6);
        Assert.InRange(error.max().item<float>(), 1e-9, relativeError); // rounded (not exact), within half a unit in the last place

        var reused = new byte[bytes.Length];
        ParameterVector.CopyTo(values, reused, format);
        Assert.Equal(bytes, reused);
        Assert.Throws<ArgumentException>(() => ParameterVector.CopyTo(values, new byte[values.numel() * 4], format));
        Assert.Throws<ArgumentException>(() => ParameterVector.FromBytes(new byte[3], format: format));
    }

    [Fact]
    public void ExportWritesAStateDictByParameterName()
    {
        using var trainer = new Trainer(Small(0) with { Steps = 2 });
        trainer.Run();
        var path = Path.Combine(Path.GetTempPath(), $"np-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.ExportForPyTorch(trainer.Network, path);
            var loaded = Safetensors.LoadStateDict(path);
            foreach (var (name, parameter) in trainer.Network.named_parameters())
                Assert.True(loaded[name].eq(parameter.detach()).all().item<bool>(), name);
            Assert.Equal(trainer.Network.named_parameters().Count(), loaded.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AnInvalidSpecNamesTheField()
    {
        var error = Assert.Throws<ArgumentException>(() => new Trainer(Small(0) with { TrainingExamples = 10 }));
        Assert.Contains("BatchSize", error.Message);
        error = Assert.Throws<ArgumentException>(() => new Trainer(Small(0) with { HyperParameters = HyperParameters.Default with { LearningRate = double.NaN } }));
        Assert.Contains("LearningRate", error.Message);
    }
}
