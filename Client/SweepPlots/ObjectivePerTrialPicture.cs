using NeuralProgrammer.Grains;
using NeuralProgrammer.Grains.Sweeps;
using ScottPlot;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>Each trial's objective against its number, by state, with the best ringed: where the good configurations sit in the grid (<c>results.png</c>).</summary>
public static class ObjectivePerTrialPicture
{
    public const string Name = "results";

    public static SweepPicture? Draw(SweepView view)
    {
        if (view.Evaluated.Count == 0) return null;
        var s = view.Status;
        var plot = new Plot();
        plot.Title($"{s.SweepId}: {s.Objective} per trial");
        plot.XLabel("trial");
        plot.YLabel(view.ObjectiveLabel);
        PlotAxes.Count(plot.Axes.Bottom);
        foreach (var state in new[] { TrialState.Completed, TrialState.StoppedEarly, TrialState.Running, TrialState.Failed, TrialState.Cancelled })
        {
            var trials = view.Evaluated.Where(t => t.State == state).ToList();
            if (trials.Count == 0) continue;
            var points = plot.Add.Markers(trials.Select(t => (double)t.Number).ToArray(), trials.Select(t => view.Shown(t.Objective!.Value)).ToArray(),
                MarkerShape.FilledCircle, trials.Count > 100 ? 4 : 6);
            points.LegendText = SweepMetrics.StateName(state).Replace('_', ' ');
        }
        if (s.Best is { Objective: { } best } b)
        {
            var marker = plot.Add.Markers(new[] { (double)b.Number }, new[] { view.Shown(best) }, MarkerShape.OpenCircle, 14, LearningCurvesPicture.Best);
            marker.LegendText = $"best: trial {b.Number}";
        }
        if (view.Percent) plot.Axes.SetLimitsY(0, 105);
        plot.ShowLegend(Edge.Right); // beside the plot: points can be anywhere
        return SweepPicture.Single(Name, plot, 1000, 500);
    }
}
