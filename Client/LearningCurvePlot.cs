using NeuralProgrammer.Model.Training;
using ScottPlot;

namespace NeuralProgrammer.Client;

/// <summary>Draws a run's test accuracy (overall and per category) and training loss against updates.</summary>
public static class LearningCurvePlot
{
    /// <summary>Writes a PNG or SVG (by extension) of <paramref name="curve"/>.</summary>
    public static void Save(IReadOnlyList<CurvePoint> curve, string title, string path)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("update");
        plot.YLabel("test accuracy (%)");
        var updates = curve.Select(p => (double)p.Update).ToArray();
        var overall = plot.Add.Scatter(updates, curve.Select(p => 100 * p.Accuracy).ToArray());
        overall.LegendText = "overall";
        overall.LineWidth = 3;
        foreach (var category in curve.SelectMany(p => p.CategoryAccuracy.Keys).Distinct().Order())
        {
            var line = plot.Add.Scatter(updates, curve.Select(p => 100 * p.CategoryAccuracy.GetValueOrDefault(category, double.NaN)).ToArray());
            line.LegendText = category.ToString().ToLowerInvariant();
        }
        var loss = plot.Add.Scatter(updates, curve.Select(p => p.Loss).ToArray());
        loss.LegendText = "training loss (right)";
        loss.LinePattern = LinePattern.Dashed;
        loss.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "training loss";
        plot.Axes.SetLimitsY(0, 105);
        plot.ShowLegend(Alignment.LowerRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)) plot.SaveSvg(path, 900, 500);
        else plot.SavePng(path, 900, 500);
    }
}
