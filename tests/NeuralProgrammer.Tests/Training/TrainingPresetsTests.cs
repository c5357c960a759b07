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
            // match also anneals its text-match temperature, and the 6,000-update budgets halve the learning rate every
            // 2,000 updates (training aids: the trained network is the paper's).
            Assert.Equal(1.0, paper.HyperParameters.NoiseEta);
            bool textMatch = variant is DatasetVariant.TextMatch2 or DatasetVariant.TextMatch5;
            bool longBudget = variant is DatasetVariant.Columns5 or DatasetVariant.Columns10 or DatasetVariant.WordVariability5 or DatasetVariant.TextMatch5;
            Assert.Equal(longBudget ? 6_000 : variant.Facts().MaxColumns == 1 ? 2_000 : 4_000, memory.Steps);
            var aids = memory.HyperParameters with { TextMatchTemperature = 1, TemperatureAnnealSteps = 0, LearningRateHalfLife = 0 };
            Assert.Equal(paper.HyperParameters with { ProgramMemoryWeight = TrainingPresets.MemoryWeight, NoiseEta = 0 }, aids);
            Assert.Equal(textMatch ? (TrainingPresets.TextMatchTemperature, 2_000) : (1, 0), (memory.HyperParameters.TextMatchTemperature, memory.HyperParameters.TemperatureAnnealSteps));
            Assert.Equal(longBudget ? 2_000 : 0, memory.HyperParameters.LearningRateHalfLife);
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
