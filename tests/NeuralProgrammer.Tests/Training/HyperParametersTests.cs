using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Tests.Training;

public class HyperParametersTests
{
    [Fact]
    public void DefaultsAreThePapersAndValid()
    {
        var h = HyperParameters.Default;
        Assert.Empty(h.Validate());
        Assert.Equal((256, 4, 50, 1e-3, 1.0, 0.55), (h.Dimension, h.Steps, h.BatchSize, h.LearningRate, h.NoiseEta, h.NoiseGamma));
    }

    [Theory]
    [InlineData(nameof(HyperParameters.LearningRate), double.NaN)]
    [InlineData(nameof(HyperParameters.NoiseEta), double.PositiveInfinity)]
    [InlineData(nameof(HyperParameters.Epsilon), 0.0)]
    [InlineData(nameof(HyperParameters.Beta1), 1.0)]
    [InlineData(nameof(HyperParameters.ClipNorm), -1.0)]
    [InlineData(nameof(HyperParameters.HuberDelta), 0.0)]
    [InlineData(nameof(HyperParameters.SelectorTemperature), 0.0)]
    [InlineData(nameof(HyperParameters.TextMatchTemperature), -1.0)]
    [InlineData(nameof(HyperParameters.ProgramMemoryWeight), double.NaN)]
    [InlineData(nameof(HyperParameters.ProgramMemoryWeight), -1.0)]
    public void BadValuesAreRejectedByName(string field, double value)
    {
        var h = (HyperParameters)typeof(HyperParameters).GetMethod("<Clone>$")!.Invoke(HyperParameters.Default, null)!;
        typeof(HyperParameters).GetProperty(field)!.SetValue(h, value);
        var error = Assert.Throws<ArgumentException>(() => h.EnsureValid());
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void SchedulesAnnealLinearly()
    {
        var h = HyperParameters.Default with { SelectorTemperature = 10, TemperatureAnnealSteps = 100, EntropyWeight = 4, EntropyAnnealSteps = 10 };
        Assert.Equal(10, h.TemperatureAt(0));
        Assert.Equal(5.5, h.TemperatureAt(50), 10);
        Assert.Equal(1, h.TemperatureAt(100));
        Assert.Equal(1, h.TemperatureAt(10_000));
        Assert.Equal(2, h.EntropyWeightAt(5), 10);
        Assert.Equal(0, h.EntropyWeightAt(10));
        Assert.Equal(1, HyperParameters.Default.TemperatureAt(123));
        var textMatch = HyperParameters.Default with { TextMatchTemperature = 10, TemperatureAnnealSteps = 2_000 };
        Assert.Equal((10.0, 1.0), (textMatch.TextMatchTemperatureAt(0), textMatch.TemperatureAt(0))); // the selector's stays at 1
        Assert.Equal(5.5, textMatch.TextMatchTemperatureAt(1_000), 10);
        Assert.Equal(1, textMatch.TextMatchTemperatureAt(2_000));
        Assert.Equal(1, HyperParameters.Default.TextMatchTemperatureAt(0));
        Assert.Equal(0, HyperParameters.Default.EntropyWeightAt(0));
    }
}
