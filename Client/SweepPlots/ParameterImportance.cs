using System.Globalization;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// How much of the objective's variation each parameter explains on its own: η² of a one-way ANOVA per parameter — the
/// spread of the means of its values (weighted by trials) over the spread of all trials,
/// SS_between / SS_total — and each parameter's share of the parameters' total. On a full grid the main effects are
/// orthogonal, so the η² add up to at most 1 and the rest is interactions and seed noise. A continuous parameter (a
/// random search's range) is grouped into <see cref="Bins"/> bins of equal counts first: each trial its own group would
/// explain everything.
/// </summary>
public static class ParameterImportance
{
    public const int Bins = 5;

    public const string Method = "η² = SS between the parameter's values / SS total (a one-way ANOVA per parameter), normalised to sum to 100%";

    /// <summary>One parameter's estimate: its η² and its share of the sum over parameters (0 when nothing varies).</summary>
    public sealed record Estimate(SweepParameterAxis Parameter, double EtaSquared, double Share);

    /// <summary>The estimates, largest share first; the seed's η² (what chance alone explains; null without seeds); and whether the objective varies at all.</summary>
    public sealed record Result(IReadOnlyList<Estimate> Parameters, double? SeedEtaSquared, bool Varies, int Trials)
    {
        /// <summary>What the main effects explain together.</summary>
        public double Explained => Parameters.Sum(p => p.EtaSquared);
    }

    /// <summary>One line: the parameters by share, with the method and what the seed alone explains.</summary>
    public static string Summary(Result result) => !result.Varies
        ? "Parameter importance: the objective is the same in every trial."
        : "Parameter importance (" + Method + "): " +
          string.Join(", ", result.Parameters.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Parameter.ShortName} {100 * p.Share:F0}% (η² {p.EtaSquared:F2})"))) +
          (result.SeedEtaSquared is { } seed ? string.Create(CultureInfo.InvariantCulture, $"; the seed alone: η² {seed:F2}") : "") + ".";

    public static Result Compute(SweepView view)
    {
        var trials = view.Evaluated;
        var y = trials.Select(t => t.Objective!.Value).ToArray();
        var estimates = view.Parameters.Select(p => (Parameter: p, Eta: EtaSquared(y, Groups(p, trials.Select(t => p.Position(SweepView.Value(t, p.Name))).ToArray())))).ToList();
        var sum = estimates.Sum(e => e.Eta);
        double? seed = view.Seeds.Count > 1 ? EtaSquared(y, trials.Select(t => (double)view.SeedIndex(t)).ToArray()) : null;
        return new Result(estimates.Select(e => new Estimate(e.Parameter, e.Eta, sum > 0 ? e.Eta / sum : 0)).OrderByDescending(e => e.Share).ThenBy(e => e.Parameter.ShortName, StringComparer.Ordinal).ToList(),
            seed, TotalSumOfSquares(y) > 0, trials.Count);
    }

    /// <summary>The group of each trial: its value for a discrete parameter, its bin of equal counts for a continuous one (NaN: no value).</summary>
    static double[] Groups(SweepParameterAxis parameter, double?[] positions)
    {
        if (parameter.Discrete) return positions.Select(p => p ?? double.NaN).ToArray();
        var sorted = positions.OfType<double>().Order().ToArray();
        return positions.Select(p => p is not { } x ? double.NaN
            : Math.Min(Bins - 1, (double)Math.Floor(Bins * (double)Array.BinarySearch(sorted, x) / sorted.Length))).ToArray();
    }

    /// <summary>SS_between / SS_total of <paramref name="y"/> grouped by <paramref name="groups"/>; 0 when y does not vary.</summary>
    public static double EtaSquared(IReadOnlyList<double> y, IReadOnlyList<double> groups)
    {
        var pairs = y.Zip(groups).Where(p => !double.IsNaN(p.Second)).ToList();
        if (pairs.Count == 0) return 0;
        var mean = pairs.Average(p => p.First);
        var total = pairs.Sum(p => (p.First - mean) * (p.First - mean));
        if (total <= 0) return 0;
        var between = pairs.GroupBy(p => p.Second).Sum(g => g.Count() * Math.Pow(g.Average(p => p.First) - mean, 2));
        return Math.Clamp(between / total, 0, 1);
    }

    static double TotalSumOfSquares(double[] y) => y.Length == 0 ? 0 : y.Sum(v => (v - y.Average()) * (v - y.Average()));
}
