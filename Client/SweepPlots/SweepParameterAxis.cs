using System.Globalization;
using NeuralProgrammer.Grains.Sweeps;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// One searched parameter as a plot axis: where each of its values sits (log10 of the value on a log axis, the value on
/// a linear one, the order of first appearance for names and booleans) and the distinct values it took, in order.
/// </summary>
public sealed record SweepParameterAxis(string Name, bool Log, bool Categorical, IReadOnlyList<string> Levels)
{
    /// <summary>Beyond this many distinct values a parameter is continuous (a random search's range): no per-value ticks or groups.</summary>
    public const int MaxLevels = 12;

    public string ShortName => SweepPlanner.ShortName(Name);

    /// <summary>Few values, each marked and grouped on its own (a grid's list, a random search's choices).</summary>
    public bool Discrete => Levels.Count <= MaxLevels;

    public string Label => Log ? $"{ShortName} (log scale)" : ShortName;

    /// <summary>Where <paramref name="value"/> sits on the axis; null for a value that is not there.</summary>
    public double? Position(string? value)
    {
        if (value is null) return null;
        if (Categorical)
        {
            for (int i = 0; i < Levels.Count; i++)
                if (Levels[i] == value) return i;
            return null;
        }
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return null;
        return Log ? Math.Log10(number) : number;
    }

    public IReadOnlyList<double> LevelPositions => Levels.Select(l => Position(l)!.Value).ToList();

    /// <summary>
    /// The axis of a parameter from the values its trials took. Numbers are categorical only when one of them is not a
    /// number; they go on a log axis when <paramref name="log"/> says so (the spec's <c>"Scale": "log"</c>) or, as a grid
    /// has no scale, when all are positive and span at least a decade (clip {1, 5, 50}, ε {1e-8, 1e-6}).
    /// </summary>
    public static SweepParameterAxis From(string name, IEnumerable<string> values, bool? log = null)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        var numbers = new List<(string Text, double Value)>();
        foreach (var text in distinct)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                return new SweepParameterAxis(name, Log: false, Categorical: true, distinct);
            numbers.Add((text, number));
        }
        // 1e-6 and 1E-06 are one value: keep the first text of each.
        var levels = numbers.GroupBy(n => n.Value).Select(g => g.First()).OrderBy(n => n.Value).ToList();
        bool positive = levels.Count > 0 && levels[0].Value > 0;
        bool logScale = positive && (log ?? levels[^1].Value / levels[0].Value >= 10);
        return new SweepParameterAxis(name, logScale, Categorical: false, levels.Select(n => n.Text).ToList());
    }
}
