using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Tests.Network;

/// <summary>The text-match temperature (docs/model.md 1.8b.5) acts in training only: argmax inference is the paper's.</summary>
public class TextMatchTemperatureTests
{
    [Fact]
    public void ArgmaxInferenceIgnoresTheTextMatchTemperatureAndSoftTrainingDoesNot()
    {
        var examples = SyntheticData.Generate(DatasetVariant.TextMatch2, 20, seed: 4, DataSplit.Train);
        using var network = new NeuralProgrammerNetwork(Vocabulary.All.Count, Operations.For(textMatch: true), HyperParameters.Default with { Dimension = 16, InitScale = 0.5 }, seed: 3);
        using var batch = EncodedBatch.Encode(examples, Vocabulary.All, ScalarType.Float64);
        network.to(ScalarType.Float64);
        using var _ = no_grad();

        using var hard = network.forward(batch, Selection.Argmax);
        using var hardWarm = network.forward(batch, Selection.Argmax with { TextMatchTemperature = 7 });
        Assert.True(hard.ScalarAnswer.allclose(hardWarm.ScalarAnswer, 0, 0));
        Assert.True(hard.LookupAnswer.allclose(hardWarm.LookupAnswer, 0, 0));

        using var soft = network.forward(batch, Selection.Soft());
        using var softOne = network.forward(batch, Selection.Soft(1, 1));
        using var softWarm = network.forward(batch, Selection.Soft(1, 7));
        Assert.True(soft.ScalarAnswer.allclose(softOne.ScalarAnswer, 0, 0)); // 1 is the paper's text match, exactly
        Assert.False(soft.ScalarAnswer.allclose(softWarm.ScalarAnswer));
    }
}
