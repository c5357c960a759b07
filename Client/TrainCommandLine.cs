using NeuralProgrammer.Model.Settings;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client;

/// <summary>
/// The <c>np train</c> command line that reproduces a spec: the preset closest to it, its seed, and the options whose
/// values differ from the preset's, named by their definitions (<see cref="RunSettings"/>).
/// </summary>
public static class TrainCommandLine
{
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
        RunSettings.All.Where(s => s != RunSettings.Seed && s.Format(preset) != s.Format(spec)).Select(s => $"{s.Option} {s.Format(spec)}");
}
