using System.CommandLine;
using System.Globalization;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client;

/// <summary>
/// The <c>np train</c> command line that reproduces a spec: the preset closest to it, its seed, and the options whose
/// values differ from the preset's, named as <see cref="TrainOptions"/> names them.
/// </summary>
public static class TrainCommandLine
{
    static readonly TrainOptions Train = new();

    /// <summary>Each option of <c>np train</c> (but the preset and seed), with the value a spec gives it as it is written on the command line.</summary>
    static readonly (Option Option, Func<TrainingSpec, string> Value)[] Fields =
    [
        (Train.Variant, s => s.Variant.Name()),
        // In enum order, and all of them when none are named: the data generator reads them so, and no option says "all".
        (Train.Categories, s => string.Join(',', Enum.GetValues<TemplateCategory>().Where(c => s.Categories?.Contains(c) ?? true)).ToLowerInvariant()),
        (Train.Steps, s => Show(s.Steps)),
        (Train.BatchSize, s => Show(s.HyperParameters.BatchSize)),
        (Train.TrainingExamples, s => Show(s.TrainingExamples)),
        (Train.TestExamples, s => Show(s.TestExamples)),
        (Train.EvaluateEvery, s => Show(s.EvaluateEvery)),
        (Train.LearningRate, s => Show(s.HyperParameters.LearningRate)),
        (Train.Epsilon, s => Show(s.HyperParameters.Epsilon)),
        (Train.Clip, s => Show(s.HyperParameters.ClipNorm)),
        (Train.Delta, s => Show(s.HyperParameters.HuberDelta)),
        (Train.Lambda, s => Show(s.HyperParameters.LookupWeight)),
        (Train.NoiseEta, s => Show(s.HyperParameters.NoiseEta)),
        (Train.NoiseGamma, s => Show(s.HyperParameters.NoiseGamma)),
        (Train.NoisePer, s => Show(s.HyperParameters.NoisePer)),
        (Train.Comparison, s => Show(s.HyperParameters.Comparison)),
        (Train.Temperature, s => Show(s.HyperParameters.SelectorTemperature)),
        (Train.TemperatureSteps, s => Show(s.HyperParameters.TemperatureAnnealSteps)),
        (Train.Entropy, s => Show(s.HyperParameters.EntropyWeight)),
        (Train.EntropySteps, s => Show(s.HyperParameters.EntropyAnnealSteps)),
        (Train.Memory, s => Show(s.HyperParameters.ProgramMemoryWeight)),
        (Train.Dimension, s => Show(s.HyperParameters.Dimension)),
        (Train.Bidirectional, s => Show(s.HyperParameters.BidirectionalQuestion)),
        (Train.Attention, s => Show(s.HyperParameters.QuestionAttention)),
        (Train.Device, s => s.Device),
    ];

    /// <summary>E.g. <c>np train --preset 5-columns-memory --seed 1 --noise-eta 0</c>.</summary>
    public static string For(TrainingSpec spec)
    {
        var preset = ClosestPreset(spec);
        var options = Options(preset, spec);
        return $"np train --preset {preset} --seed {spec.Seed}{(options.Length > 0 ? " " + options : "")}";
    }

    /// <summary>The preset that differs from <paramref name="spec"/> in the fewest options (the first of <see cref="TrainingPresets.Names"/> on a tie).</summary>
    public static string ClosestPreset(TrainingSpec spec) =>
        TrainingPresets.Names.MinBy(name => Differences(TrainingPresets.Get(name), spec).Count())!;

    /// <summary>The options, with values, that turn <paramref name="preset"/> into <paramref name="spec"/> (the seed aside), e.g. <c>--noise-eta 0</c>.</summary>
    public static string Options(string preset, TrainingSpec spec) => string.Join(' ', Differences(TrainingPresets.Get(preset), spec));

    static IEnumerable<string> Differences(TrainingSpec preset, TrainingSpec spec) =>
        Fields.Where(f => f.Value(preset) != f.Value(spec)).Select(f => $"{f.Option.Name} {f.Value(spec)}");

    static string Show(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture).ToLowerInvariant();

    static string Show(bool value) => value ? "true" : "false";
}
