using NeuralProgrammer.Grains;
using ScottPlot;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// The objective against each searched parameter, a panel per parameter sharing the objective's axis: a mark per trial,
/// its shape and colour its seed, spread sideways around a grid value so that repeats stay apart; a black line through
/// the mean of each value (the parameter's main effect, averaged over the other parameters and seeds); the best trial
/// ringed. Log-scaled parameters on a log axis.
/// </summary>
public static class ObjectiveByParameterPicture
{
    public const string Name = "objective-by-parameter";

    static readonly MarkerShape[] SeedShapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledTriangleUp, MarkerShape.FilledSquare, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    public static SweepPicture? Draw(SweepView view)
    {
        if (view.Parameters.Count == 0 || view.Evaluated.Count == 0) return null;
        int columns = view.Parameters.Count switch { 1 => 1, 2 or 4 => 2, _ => 3 };
        int rows = (view.Parameters.Count + columns - 1) / columns;
        var figure = new Multiplot();
        while (figure.Count() < view.Parameters.Count) figure.AddPlot(); // a Multiplot starts with one
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        var palette = new ScottPlot.Palettes.Category10();
        var alpha = Math.Clamp(30.0 / view.Evaluated.Count * view.Parameters.Count, 0.35, 0.9);
        var best = view.Status.Best?.Number;
        for (int i = 0; i < view.Parameters.Count; i++)
        {
            var parameter = view.Parameters[i];
            var plot = figure.GetPlot(i);
            plot.Title($"{view.Status.Objective} by {parameter.ShortName}");
            plot.XLabel(parameter.Label);
            plot.YLabel(view.ObjectiveLabel);
            PlotAxes.Parameter(plot.Axes.Bottom, parameter);
            var width = PlotAxes.JitterWidth(parameter);
            var groups = view.Evaluated.GroupBy(view.SeedIndex).OrderBy(g => g.Key);
            foreach (var seed in groups)
            {
                var points = seed.Select(t => (X: parameter.Position(SweepView.Value(t, parameter.Name)), Y: view.Shown(t.Objective!.Value), Jitter: SweepView.Jitter(t)))
                    .Where(p => p.X is not null).ToList();
                var marks = plot.Add.Markers(points.Select(p => p.X!.Value + width * p.Jitter).ToArray(), points.Select(p => p.Y).ToArray(),
                    SeedShapes[seed.Key % SeedShapes.Length], 6, palette.GetColor(seed.Key).WithAlpha(alpha));
                if (i == 0) marks.LegendText = view.Seeds.Count > 0 ? $"seed {view.Seeds[seed.Key]}" : "trial";
            }
            if (parameter.Discrete)
            {
                var means = parameter.Levels.Select(level => (X: parameter.Position(level)!.Value,
                        Values: view.Evaluated.Where(t => parameter.Position(SweepView.Value(t, parameter.Name)) == parameter.Position(level)).Select(t => view.Shown(t.Objective!.Value)).ToList()))
                    .Where(m => m.Values.Count > 0).ToList();
                var line = plot.Add.Scatter(means.Select(m => m.X).ToArray(), means.Select(m => m.Values.Average()).ToArray(), Colors.Black);
                line.LineWidth = 2;
                line.MarkerShape = MarkerShape.OpenCircle;
                line.MarkerSize = 9;
                if (i == 0) line.LegendText = "mean of the value";
            }
            if (view.Evaluated.FirstOrDefault(t => t.Number == best) is { } top && parameter.Position(SweepView.Value(top, parameter.Name)) is { } x)
            {
                var ring = plot.Add.Markers(new[] { x + width * SweepView.Jitter(top) }, new[] { view.Shown(top.Objective!.Value) }, MarkerShape.OpenCircle, 16, LearningCurvesPicture.Best);
                ring.MarkerLineWidth = 2;
                if (i == 0) ring.LegendText = $"best: trial {top.Number}";
            }
            if (parameter.Discrete)
            {
                var positions = parameter.LevelPositions;
                var margin = Math.Max(width * 1.5, 0.5 * (positions.Count > 1 ? positions.Max() - positions.Min() : 1) / Math.Max(1, positions.Count));
                plot.Axes.SetLimitsX(positions.Min() - margin, positions.Max() + margin);
            }
            if (view.Percent) plot.Axes.SetLimitsY(-3, 105);
            if (i == 0) plot.ShowLegend(Alignment.UpperLeft);
        }
        figure.SharedAxes.ShareY(figure.GetPlots());
        return new SweepPicture(Name, figure, 480 * columns, 380 * rows);
    }
}
