using NeuralProgrammer.Grains;
using NeuralProgrammer.Grains.Sweeps;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// A sweep's results as the pictures read them: the searched parameters as axes (the seed apart: it marks repeats, not
/// a setting), the objective as shown (accuracy in %), and which trials have a value to plot.
/// </summary>
public sealed class SweepView
{
    public const string SeedName = "Seed";

    public SweepResults Results { get; }
    public IReadOnlyList<SweepParameterAxis> Parameters { get; }
    /// <summary>The seeds the trials ran with, in order; empty when the seed was not searched.</summary>
    public IReadOnlyList<string> Seeds { get; }
    /// <summary>Trials with an objective (evaluated at least once), in trial order.</summary>
    public IReadOnlyList<TrialResult> Evaluated { get; }

    /// <param name="logScaled">Parameters the spec puts on a log scale; others are judged by their values (see <see cref="SweepParameterAxis.From"/>).</param>
    public SweepView(SweepResults results, IReadOnlySet<string>? logScaled = null)
    {
        Results = results;
        var names = results.Trials.SelectMany(t => t.Parameters.Select(p => p.Name)).Distinct().ToList();
        Parameters = names.Where(n => n != SeedName)
            .Select(n => SweepParameterAxis.From(n, results.Trials.Select(t => Value(t, n)).OfType<string>(), logScaled?.Contains(n) == true ? true : null))
            .ToList();
        Seeds = names.Contains(SeedName)
            ? SweepParameterAxis.From(SeedName, results.Trials.Select(t => Value(t, SeedName)).OfType<string>(), log: false).Levels
            : [];
        Evaluated = results.Trials.Where(t => t.Objective is { } v && double.IsFinite(v)).ToList();
    }

    public SweepStatus Status => Results.Status;
    public bool Percent => Status.Objective != SweepObjective.Loss;
    public string ObjectiveLabel => Percent ? $"{Status.Objective} (%)" : Status.Objective;

    /// <summary>The objective as drawn: accuracy in percent, a loss as it is.</summary>
    public double Shown(double objective) => Percent ? 100 * objective : objective;

    public static string? Value(TrialResult trial, string name) => trial.Parameters.FirstOrDefault(p => p.Name == name)?.Value;

    /// <summary>The trial's seed's index in <see cref="Seeds"/>; 0 when the seed was not searched.</summary>
    public int SeedIndex(TrialResult trial)
    {
        var seed = Value(trial, SeedName);
        for (int i = 0; i < Seeds.Count; i++)
            if (Seeds[i] == seed) return i;
        return 0;
    }

    /// <summary>
    /// A fixed offset in [-1/2, 1/2) for a trial (the golden-ratio sequence over its number): spreads marks that share a
    /// grid value the same way on every drawing, without randomness.
    /// </summary>
    public static double Jitter(TrialResult trial) => (trial.Number * 0.6180339887498949) % 1 - 0.5;
}
