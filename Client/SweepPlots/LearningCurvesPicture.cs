using NeuralProgrammer.Grains;
using NeuralProgrammer.Grains.Sweeps;
using ScottPlot;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// Every trial's test accuracy against updates in one plot: thin translucent lines for the trials that ran to the end
/// (hundreds stay readable where they bunch), grey dashed ones ending in a cross for those stopped early, red dotted
/// for failed ones, and the best trial thick on top.
/// </summary>
public static class LearningCurvesPicture
{
    public const string Name = "learning-curves";

    public static readonly Color Ran = Colors.SteelBlue;
    public static readonly Color Stopped = Colors.Gray;
    public static readonly Color Failed = Colors.Crimson;
    public static readonly Color Best = Colors.DarkOrange;

    public static SweepPicture? Draw(SweepView view)
    {
        var trials = view.Results.Trials.Where(t => t.Curve.Length > 0).ToList();
        if (trials.Count == 0) return null;
        var plot = new Plot();
        plot.Title($"{view.Status.SweepId}: test accuracy of every trial ({trials.Count})");
        plot.XLabel("update");
        plot.YLabel("test accuracy (%)");
        PlotAxes.Count(plot.Axes.Bottom);
        // Alpha falls as trials grow, so that where many lines run together reads darker than a lone one.
        var alpha = Math.Clamp(12.0 / trials.Count, 0.15, 0.8);
        var legend = new HashSet<string>();
        var best = view.Status.Best?.Number;
        foreach (var trial in trials.Where(t => t.Number != best).OrderBy(t => Order(t.State)))
        {
            var line = plot.Add.ScatterLine(trial.Curve.Select(p => (double)p.Update).ToArray(), trial.Curve.Select(p => 100 * p.Accuracy).ToArray());
            var (color, pattern, label) = trial.State switch
            {
                TrialState.StoppedEarly => (Stopped, LinePattern.Dashed, "stopped early (× where stopped)"),
                TrialState.Failed => (Failed, LinePattern.Dotted, "failed"),
                TrialState.Running or TrialState.Queued => (Colors.MediumPurple, LinePattern.Solid, "running"),
                TrialState.Cancelled => (Stopped, LinePattern.Dotted, "cancelled"),
                _ => (Ran, LinePattern.Solid, "ran to the end"),
            };
            line.Color = color.WithAlpha(trial.State == TrialState.StoppedEarly ? Math.Max(alpha, 0.35) : alpha);
            line.LinePattern = pattern;
            line.LineWidth = 1;
            // A legend entry of its own: the lines' faint colour would hardly show in it.
            if (legend.Add(label))
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = label, LineColor = color, LinePattern = pattern, LineWidth = 2,
                    MarkerShape = trial.State == TrialState.StoppedEarly ? MarkerShape.Eks : MarkerShape.None, MarkerSize = 7, MarkerLineColor = color,
                });
        }
        var stopped = trials.Where(t => t.State == TrialState.StoppedEarly && t.Number != best).ToList();
        if (stopped.Count > 0)
            plot.Add.Markers(stopped.Select(t => (double)t.Curve[^1].Update).ToArray(), stopped.Select(t => 100 * t.Curve[^1].Accuracy).ToArray(),
                MarkerShape.Eks, 7, Stopped);
        if (trials.FirstOrDefault(t => t.Number == best) is { } top)
        {
            var line = plot.Add.Scatter(top.Curve.Select(p => (double)p.Update).ToArray(), top.Curve.Select(p => 100 * p.Accuracy).ToArray(), Best);
            line.LineWidth = 3;
            line.MarkerSize = 6;
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = $"best: trial {top.Number} ({SweepPlanner.Describe(top.Parameters)})", LineColor = Best, LineWidth = 3,
                MarkerShape = MarkerShape.FilledCircle, MarkerSize = 6, MarkerFillColor = Best, MarkerLineColor = Best,
            });
        }
        plot.Axes.SetLimitsY(0, 105);
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Vertical;
        return SweepPicture.Single(Name, plot, 1000, 650);
    }

    /// <summary>Drawing order: completed first, so that the rarer stopped and failed lines show on top.</summary>
    static int Order(TrialState state) => state switch
    {
        TrialState.Completed => 0,
        TrialState.Running or TrialState.Queued => 1,
        TrialState.StoppedEarly or TrialState.Cancelled => 2,
        _ => 3,
    };
}
