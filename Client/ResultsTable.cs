using System.Text;
using System.Text.Json;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using static System.FormattableString;

namespace NeuralProgrammer.Client;

/// <summary>
/// Training runs grouped by configuration — the spec but its seed — as the README's results table: one Markdown row per
/// configuration against the paper's Table 2, the final model's test accuracy and that of the checkpoint chosen on the
/// validation set, each as the mean over the seeds with their min and max, and the command that reproduces its lowest seed.
/// </summary>
public static class ResultsTable
{
    /// <summary>The runs of one configuration, lowest seed first, and the preset plus options that give its lowest seed's row.</summary>
    public sealed record Configuration(IReadOnlyList<TrainingResult> Runs)
    {
        public TrainingResult Lowest => Runs[0];
        public DatasetVariant Variant => Lowest.Spec.Variant;
        /// <summary>The lowest seed's spec as it ran: a run stopped early shows what its updates gave, not its budget.</summary>
        public TrainingSpec Ran => Lowest.Spec with { Steps = (int)Math.Max(1, Lowest.Updates) };
        public bool StoppedEarly => Lowest.Updates < Lowest.Spec.Steps;
        public string Preset => TrainCommandLine.ClosestPreset(Ran);
        public string Options => TrainCommandLine.Options(Preset, Ran);
        public string Command => TrainCommandLine.For(Ran);
        public string Label => $"{Variant.Name()}, {Preset}{(Options.Length > 0 ? " " + Options : "")}";
    }

    /// <summary>One configuration per distinct spec but seed, in variant order, then by preset and options.</summary>
    public static IReadOnlyList<Configuration> Group(IEnumerable<TrainingResult> runs) =>
        runs.GroupBy(r => JsonSerializer.Serialize(r.Spec with { Seed = 0 }, Checkpoint.Json))
            .Select(g => new Configuration(g.OrderBy(r => r.Spec.Seed).ToList()))
            .OrderBy(c => c.Variant).ThenBy(c => c.Preset, StringComparer.Ordinal).ThenBy(c => c.Options, StringComparer.Ordinal)
            .ToList();

    public static string Markdown(IReadOnlyList<Configuration> configurations)
    {
        var text = new StringBuilder()
            .AppendLine("| variant | paper | final model | best on validation | real data | seeds ≥ paper (final) | updates (examples) | wall time per run | command |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var c in configurations)
        {
            var paper = c.Variant.PaperAccuracy();
            var accuracies = c.Runs.Select(r => Math.Round(100 * r.Accuracy, 2)).ToList();
            string[] cells =
            [
                c.Variant.Name(),
                Invariant($"{paper:0.0#}"),
                Spread(accuracies) + (c.Runs.Count > 1 ? $" over {c.Runs.Count} seeds" : ""),
                Spread(c.Runs.Where(r => r.BestOnValidation is not null).Select(r => Math.Round(100 * r.BestOnValidation!.Accuracy, 2)).ToList()),
                Spread(c.Runs.Where(r => r.RealDataAccuracy is not null).Select(r => Math.Round(100 * r.RealDataAccuracy!.Value, 2)).ToList()),
                $"{accuracies.Count(a => a >= paper)} of {c.Runs.Count}",
                Invariant($"{c.Lowest.Updates:N0}") + (c.StoppedEarly ? Invariant($" of {c.Lowest.Spec.Steps:N0}") : "") + $" ({Examples(c.Lowest.ExamplesSeen)})",
                Duration(c.Runs.Average(r => r.WallSeconds)),
                $"`{c.Command}`",
            ];
            text.AppendLine($"| {string.Join(" | ", cells)} |");
        }
        var commits = configurations.SelectMany(c => c.Runs).GroupBy(r => string.IsNullOrEmpty(r.Commit) ? "unknown" : r.Commit)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"`{g.Key}` ({g.Count()} run{(g.Count() == 1 ? "" : "s")})");
        return text.AppendLine().AppendLine($"Commits of the runs: {string.Join(", ", commits)}.").ToString();
    }

    /// <summary>The mean of the seeds' figures (in %) and, over several, their min and max; "–" when no seed has the figure.</summary>
    static string Spread(IReadOnlyList<double> percentages) => percentages.Count switch
    {
        0 => "–",
        1 => Invariant($"{percentages[0]:F2}"),
        _ => Invariant($"{percentages.Average():F2} ({percentages.Min():F2}–{percentages.Max():F2})"),
    };

    static string Examples(long count) => count switch
    {
        >= 1_000_000 => Invariant($"{count / 1e6:0.##}M"),
        >= 1_000 => Invariant($"{count / 1e3:0.##}k"),
        _ => Invariant($"{count}"),
    };

    static string Duration(double seconds) => seconds switch
    {
        < 90 => Invariant($"{seconds:F0} s"),
        < 90 * 60 => Invariant($"{seconds / 60:F1} min"),
        _ => Invariant($"{seconds / 3600:F1} h"),
    };
}
