using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// A bar per searched parameter, longest first: its share of the objective's variance explained by the parameters'
/// main effects (<see cref="ParameterImportance"/>), with its η²; the method, what the main effects explain together,
/// and what the seed alone explains (chance, for scale) written on the picture.
/// </summary>
public static class ParameterImportancePicture
{
    public const string Name = "parameter-importance";

    public static SweepPicture? Draw(SweepView view)
    {
        if (view.Parameters.Count == 0 || view.Evaluated.Count < 2) return null;
        var importance = ParameterImportance.Compute(view);
        var plot = new Plot();
        plot.Title($"{view.Status.SweepId}: which parameters move {view.Status.Objective} ({importance.Trials} trials)");
        var estimates = importance.Parameters.Reverse().ToList(); // the largest on top
        var bars = estimates.Select((e, i) => new Bar
        {
            Position = i,
            Value = 100 * e.Share,
            FillColor = Colors.SteelBlue,
            Label = Invariant($"{100 * e.Share:F0}% (η² {e.EtaSquared:F2})"),
        }).ToArray();
        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;
        plot.Axes.Left.TickGenerator = new NumericManual(estimates.Select((_, i) => (double)i).ToArray(),
            estimates.Select(e => e.Parameter.ShortName).ToArray());
        plot.Axes.SetLimitsX(0, 125);
        plot.Axes.SetLimitsY(-0.6, estimates.Count - 0.4);
        plot.XLabel("share of the variance the parameters' main effects explain (%)");
        var note = !importance.Varies
            ? $"{view.Status.Objective} is the same in every trial: no parameter explains anything."
            : Invariant($"Main effects together explain {100 * importance.Explained:F0}% of the variance (the rest: interactions and noise)") +
              (importance.SeedEtaSquared is { } seed ? Invariant($"; the seed alone: η² {seed:F2}.") : ".");
        var method = plot.Add.Annotation($"{ParameterImportance.Method}.\n{note}" +
            (view.Parameters.Any(p => !p.Discrete) ? $"\nContinuous parameters grouped into {ParameterImportance.Bins} bins of equal counts." : ""),
            Alignment.LowerRight);
        method.LabelFontSize = 11;
        return SweepPicture.Single(Name, plot, 1000, 180 + 70 * estimates.Count);
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
