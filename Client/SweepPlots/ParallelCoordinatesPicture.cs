using System.Globalization;
using NeuralProgrammer.Grains;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// Parallel coordinates: a vertical axis per searched parameter and one for the objective, a line per trial through its
/// values, coloured by its objective (viridis: dark is worst, yellow best) and drawn best last, the best trial thick
/// orange. A grid's values are evenly spaced and lines spread a little around them, so that a value's bundle shows how
/// many trials went through it; bundles that reach the objective's top show which settings go together. Drawn for three
/// parameters or more (fewer read better in <see cref="ObjectiveByParameterPicture"/>).
/// </summary>
public static class ParallelCoordinatesPicture
{
    public const string Name = "parallel-coordinates";
    public const int MinParameters = 3;

    public static SweepPicture? Draw(SweepView view)
    {
        if (view.Parameters.Count < MinParameters || view.Evaluated.Count == 0) return null;
        var plot = new Plot();
        plot.Title($"{view.Status.SweepId}: each line a trial ({view.Evaluated.Count}), coloured by {view.Status.Objective}");
        var objectives = view.Evaluated.Select(t => view.Shown(t.Objective!.Value)).ToList();
        double low = objectives.Min(), high = objectives.Max();
        double Objective(double shown) => high > low ? (shown - low) / (high - low) : 0.5;
        // Worst to best, so that the lines that answer the question lie on top; "best" follows the objective's direction.
        var ordered = view.Evaluated.OrderBy(t => view.Status.Maximize ? t.Objective : -t.Objective).ThenByDescending(t => t.Number).ToList();
        var colormap = new ScottPlot.Colormaps.Viridis();
        var alpha = Math.Clamp(20.0 / ordered.Count, 0.2, 0.8);
        int axes = view.Parameters.Count;
        var best = view.Status.Best?.Number;
        double[] xs = Enumerable.Range(0, axes + 1).Select(i => (double)i).ToArray();
        double[] Ys(TrialResult t) => view.Parameters.Select(p => Place(p, t)).Append(Objective(view.Shown(t.Objective!.Value))).ToArray();
        foreach (var trial in ordered.Where(t => t.Number != best))
        {
            var score = Objective(view.Shown(trial.Objective!.Value));
            var line = plot.Add.ScatterLine(xs, Ys(trial), colormap.GetColor(view.Status.Maximize ? score : 1 - score).WithAlpha(alpha));
            line.LineWidth = 1;
        }
        if (ordered.FirstOrDefault(t => t.Number == best) is { } top)
        {
            var line = plot.Add.ScatterLine(xs, Ys(top), LearningCurvesPicture.Best);
            line.LineWidth = 3;
            line.LegendText = $"best: trial {top.Number}";
        }

        for (int i = 0; i <= axes; i++)
        {
            plot.Add.VerticalLine(i, 1.5f, Colors.Black);
            var labels = i < axes ? Labels(view.Parameters[i]) : ObjectiveLabels(view, low, high, Objective);
            foreach (var (y, text) in labels)
            {
                var label = plot.Add.Text(text, i, y);
                label.LabelFontSize = 11;
                label.LabelAlignment = Alignment.MiddleLeft;
                label.OffsetX = 4;
                label.LabelBackgroundColor = Colors.White.WithAlpha(0.7);
            }
        }
        var names = view.Parameters.Select(p => p.Log ? $"{p.ShortName} (log)" : p.ShortName).Append(view.ObjectiveLabel).ToArray();
        plot.Axes.Bottom.TickGenerator = new NumericManual(Enumerable.Range(0, axes + 1).Select(i => (double)i).ToArray(), names);
        plot.Axes.Left.TickGenerator = new NumericManual(); // each axis has its own scale, labelled beside it
        plot.Grid.IsVisible = false;
        plot.Axes.SetLimits(-0.3, axes + 0.6, -0.08, 1.08);
        plot.ShowLegend(Edge.Bottom);
        return SweepPicture.Single(Name, plot, Math.Max(900, 220 * (axes + 1)), 560);
    }

    /// <summary>A trial's value on a parameter's axis, in [0, 1]: rank spacing for a grid's values, else its range (on the log scale for a log one).</summary>
    static double Place(SweepParameterAxis parameter, TrialResult trial)
    {
        if (parameter.Position(SweepView.Value(trial, parameter.Name)) is not { } x) return double.NaN;
        if (parameter.Discrete)
        {
            var index = parameter.LevelPositions.ToList().IndexOf(x);
            var step = parameter.Levels.Count > 1 ? 1.0 / (parameter.Levels.Count - 1) : 0;
            var place = parameter.Levels.Count > 1 ? index * step : 0.5;
            return place + Math.Min(0.04, 0.2 * (step > 0 ? step : 1)) * SweepView.Jitter(trial);
        }
        var positions = parameter.LevelPositions;
        double min = positions.Min(), max = positions.Max();
        return max > min ? (x - min) / (max - min) : 0.5;
    }

    static IEnumerable<(double Y, string Text)> Labels(SweepParameterAxis parameter)
    {
        if (parameter.Discrete)
            return parameter.Levels.Select((level, i) => (parameter.Levels.Count > 1 ? i / (double)(parameter.Levels.Count - 1) : 0.5, level));
        var sorted = parameter.Levels.OrderBy(l => parameter.Position(l)).ToList();
        return [(0.0, sorted[0]), (1.0, sorted[^1])];
    }

    static IEnumerable<(double Y, string Text)> ObjectiveLabels(SweepView view, double low, double high, Func<double, double> place)
    {
        if (high <= low) return [(0.5, Format(low))];
        return Enumerable.Range(0, 5).Select(k => low + k * (high - low) / 4).Select(v => (place(v), Format(v)));
    }

    static string Format(double value) => value.ToString(Math.Abs(value) >= 10 ? "F0" : "G3", CultureInfo.InvariantCulture);
}
