using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using ScottPlot;

namespace NeuralProgrammer.Client;

/// <summary>Draws test accuracy against training: one run in detail, or several runs side by side.</summary>
public static class LearningCurvePlot
{
    /// <summary>Writes a PNG or SVG (by extension) of <paramref name="curve"/>: overall (and validation) and per-category accuracy and the training loss against updates.</summary>
    public static void Save(IReadOnlyList<CurvePoint> curve, string title, string path)
    {
        var plot = AccuracyPlot(title, "update");
        var updates = curve.Select(p => (double)p.Update).ToArray();
        var overall = plot.Add.Scatter(updates, curve.Select(p => 100 * p.Accuracy).ToArray());
        overall.LegendText = "overall";
        overall.LineWidth = 3;
        if (curve.Any(p => p.ValidationAccuracy is not null))
        {
            var validation = plot.Add.Scatter(updates, curve.Select(p => 100 * (p.ValidationAccuracy ?? double.NaN)).ToArray());
            validation.LegendText = "validation set";
            validation.LineWidth = 2;
            validation.LinePattern = LinePattern.Dotted;
        }
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
        plot.ShowLegend(Alignment.LowerRight);
        Write(plot, path, 900, 500);
    }

    /// <summary>
    /// Writes a PNG or SVG (by extension) of each run's overall accuracy against training examples seen, one line per
    /// run, with the paper's figure for each variant dashed in the colour of that variant's first run.
    /// </summary>
    public static void SaveComparison(IReadOnlyList<(string Label, TrainingResult Run)> runs, string title, string path)
    {
        var plot = AccuracyPlot(title, "training examples seen");
        plot.Add.Palette = new ScottPlot.Palettes.Category20(); // ten colours repeat with the eight variants' rows and ablations
        var paperMarks = new HashSet<DatasetVariant>();
        foreach (var (label, run) in runs)
        {
            var line = plot.Add.Scatter(run.Curve.Select(p => (double)p.Update * run.Spec.HyperParameters.BatchSize).ToArray(),
                run.Curve.Select(p => 100 * p.Accuracy).ToArray());
            line.LegendText = label;
            line.LineWidth = 2;
            if (!paperMarks.Add(run.Spec.Variant)) continue;
            var paper = plot.Add.HorizontalLine(run.Spec.Variant.PaperAccuracy());
            paper.Color = line.Color;
            paper.LinePattern = LinePattern.Dashed;
            paper.LineWidth = 1;
            paper.LegendText = $"paper, {run.Spec.Variant.Name()}";
        }
        plot.ShowLegend(Edge.Bottom); // below the plot: the labels are long and the lines end high and low
        plot.Legend.Orientation = Orientation.Vertical;
        Write(plot, path, 1100, 550 + 22 * plot.GetPlottables().Count());
    }

    static Plot AccuracyPlot(string title, string xLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("test accuracy (%)");
        plot.Axes.SetLimitsY(0, 105);
        return plot;
    }

    static void Write(Plot plot, string path, int width, int height)
    {
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)) AtomicFile.WriteVia(path, temporary => plot.SaveSvg(temporary, width, height));
        else AtomicFile.WriteVia(path, temporary => plot.SavePng(temporary, width, height));
    }
}
