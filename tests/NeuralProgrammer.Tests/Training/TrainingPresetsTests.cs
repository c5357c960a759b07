using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Tests.Training;

public class TrainingPresetsTests
{
    [Fact]
    public void EveryVariantHasAPaperPresetAndAMemoryPreset()
    {
        foreach (var variant in Enum.GetValues<DatasetVariant>())
        {
            var paper = TrainingPresets.Get(variant.Name());
            var memory = TrainingPresets.Get(variant.Name() + "-memory");
            Assert.Equal(variant, paper.Variant);
            Assert.Equal(variant, memory.Variant);
            Assert.Equal(0, paper.HyperParameters.ProgramMemoryWeight);
            Assert.Equal(TrainingPresets.MemoryWeight, memory.HyperParameters.ProgramMemoryWeight);
            // Everything else of the paper's training stays but the gradient noise: data, clipping, loss, network; text
            // match 2 also anneals its text-match temperature (a training aid: the trained network is the paper's).
            Assert.Equal(1.0, paper.HyperParameters.NoiseEta);
            var aids = variant == DatasetVariant.TextMatch2
                ? memory.HyperParameters with { TextMatchTemperature = 1, TemperatureAnnealSteps = 0 }
                : memory.HyperParameters;
            Assert.Equal(paper.HyperParameters with { ProgramMemoryWeight = TrainingPresets.MemoryWeight, NoiseEta = 0 }, aids);
            Assert.Equal(variant == DatasetVariant.TextMatch2 ? TrainingPresets.TextMatchTemperature : 1, memory.HyperParameters.TextMatchTemperature);
            Assert.Equal(1, memory.HyperParameters.SelectorTemperature);
            Assert.Equal((paper.TrainingExamples, paper.TestExamples, paper.Seed), (memory.TrainingExamples, memory.TestExamples, memory.Seed));
            Assert.Empty(memory.Validate());
        }
        Assert.Equal(2 + 2 * Enum.GetValues<DatasetVariant>().Length, TrainingPresets.Names.Count);
        Assert.All(TrainingPresets.Names, name => TrainingPresets.Get(name));
    }

    [Fact]
    public void QuickstartIsTheSingleColumnMemoryPresetShortened()
    {
        var quickstart = TrainingPresets.Get("quickstart");
        Assert.Contains("quickstart", TrainingPresets.Names);
        // Without the validation set: 150 updates leave no checkpoint to choose.
        Assert.Equal(TrainingPresets.Get("single-column-memory") with { Steps = 150, EvaluateEvery = 25, ValidationExamples = 0 }, quickstart);
        Assert.Equal(1_000, TrainingPresets.Get("single-column-memory").ValidationExamples);
        Assert.Null(quickstart.Categories); // every single-column question: aggregation, comparison, logic and difference
    }

    [Fact]
    public void AnUnknownPresetIsNamedWithTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingPresets.Get("7-columns-memory"));
        Assert.Contains("'7-columns-memory'", error.Message);
        Assert.Contains("single-column-memory", error.Message);
    }
}
