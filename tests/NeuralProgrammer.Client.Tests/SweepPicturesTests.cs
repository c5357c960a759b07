using System.Xml.Linq;
using NeuralProgrammer.Client.SweepPlots;
using NeuralProgrammer.Grains;
using ScottPlot;
using ScottPlot.TickGenerators;
using Scatter = ScottPlot.Plottables.Scatter;

namespace NeuralProgrammer.Client.Tests;

/// <summary>
/// The pictures of a sweep, drawn from recorded <c>results.json</c> files (<see cref="RecordedSweeps"/>): the panels,
/// axes and series each one has before it is rendered, and the PNG and SVG files written.
/// </summary>
public sealed class SweepPicturesTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("np-sweep-pictures-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    static Dictionary<string, SweepPicture> Draw(string name) => SweepPictures.Draw(new SweepView(RecordedSweeps.Read(name))).Select(Laid).ToDictionary(p => p.Name);

    /// <summary>The picture after a render in memory: manual ticks are laid out then.</summary>
    static SweepPicture Laid(SweepPicture picture)
    {
        using var image = picture.Figure.Render(picture.Width, picture.Height);
        return picture;
    }

    static bool IsCount(IAxis axis) => axis.TickGenerator is NumericAutomatic { IntegerTicksOnly: true };

    [Fact]
    public void ThePapersSweepGetsEveryPicture()
    {
        var pictures = Draw("sweep-paper");
        Assert.Equal(["results", "learning-curves", "objective-by-parameter", "parallel-coordinates", "parameter-importance"], pictures.Keys);

        var perTrial = Assert.Single(pictures["results"].Panels);
        Assert.True(IsCount(perTrial.Axes.Bottom), "the trial axis has whole numbers only");

        var curves = Assert.Single(pictures["learning-curves"].Panels);
        Assert.True(IsCount(curves.Axes.Bottom), "the update axis has whole numbers only");
        var lines = curves.GetPlottables().OfType<Scatter>().ToList();
        Assert.Equal(216, lines.Count);
        var best = Assert.Single(lines, l => l.LineWidth == 3);
        Assert.Equal(Colors.DarkOrange, best.Color);
        Assert.Equal(3, curves.Legend.ManualItems.Count);
        Assert.StartsWith("best: trial 202 (ClipNorm = 50", curves.Legend.ManualItems[^1].LabelText);
        Assert.Equal(66, lines.Count(l => l.LinePattern.Equals(LinePattern.Dashed))); // stopped early
        Assert.All(lines.Where(l => l != best), l => Assert.True(l.Color.Alpha < 255 / 2, "many lines: translucent"));
        var ends = Assert.Single(curves.GetPlottables().OfType<ScottPlot.Plottables.Markers>());
        Assert.Equal(66, ends.Data.GetScatterPoints().Count);

        var byParameter = pictures["objective-by-parameter"];
        Assert.Equal(4, byParameter.Panels.Count);
        Assert.IsType<ScottPlot.MultiplotLayouts.Grid>(byParameter.Figure.Layout);
        Assert.Equal(["accuracy by ClipNorm", "accuracy by Epsilon", "accuracy by HuberDelta", "accuracy by LookupWeight"],
            byParameter.Panels.Select(p => p.Axes.Title.Label.Text));
        Assert.Equal([true, true, false, false], byParameter.Panels.Select(p => p.Axes.Bottom.TickGenerator is LogScaleTicks));
        Assert.Equal("ClipNorm (log scale)", byParameter.Panels[0].Axes.Bottom.Label.Text);
        foreach (var panel in byParameter.Panels)
        {
            var seeds = panel.GetPlottables().OfType<ScottPlot.Plottables.Markers>().Where(m => m.MarkerSize == 6).ToList();
            Assert.Equal(3, seeds.Count); // a series per seed
            Assert.Equal(216, seeds.Sum(s => s.Data.GetScatterPoints().Count));
            Assert.Equal(3, seeds.Select(s => s.MarkerShape).Distinct().Count());
            // Spread around the grid's values: 216 marks, 216 places.
            var xs = seeds.SelectMany(s => Enumerable.Range(0, s.Data.GetScatterPoints().Count).Select(i => s.Data.GetScatterPoints()[i].X)).ToList();
            Assert.Equal(216, xs.Distinct().Count());
        }
        Assert.Equal(["1", "5", "50"], byParameter.Panels[0].Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label));

        var parallel = Assert.Single(pictures["parallel-coordinates"].Panels);
        Assert.Equal(216, parallel.GetPlottables().OfType<Scatter>().Count());
        Assert.Equal(5, parallel.GetPlottables().OfType<ScottPlot.Plottables.VerticalLine>().Count()); // 4 parameters and the objective
        Assert.Equal(["ClipNorm (log)", "Epsilon (log)", "HuberDelta", "LookupWeight", "accuracy (%)"],
            ((NumericManual)parallel.Axes.Bottom.TickGenerator).Ticks.Select(t => t.Label));

        var importance = Assert.Single(pictures["parameter-importance"].Panels);
        var bars = Assert.Single(importance.GetPlottables().OfType<ScottPlot.Plottables.BarPlot>());
        Assert.Equal(4, bars.Bars.Count);
        Assert.Equal(100, bars.Bars.Sum(b => b.Value), 6);
        Assert.Equal(["HuberDelta", "Epsilon", "LookupWeight", "ClipNorm"], ((NumericManual)importance.Axes.Left.TickGenerator).Ticks.Select(t => t.Label)); // largest on top
        var method = Assert.Single(importance.GetPlottables().OfType<ScottPlot.Plottables.Annotation>());
        Assert.Contains("one-way ANOVA per parameter", method.Text);
        Assert.Contains("the seed alone", method.Text);
    }

    [Fact]
    public void ParameterImportanceFindsThePlantedEffects()
    {
        var result = ParameterImportance.Compute(new SweepView(RecordedSweeps.Read("sweep-paper")));
        Assert.Equal(["ClipNorm", "LookupWeight", "Epsilon", "HuberDelta"], result.Parameters.Select(p => p.Parameter.ShortName));
        Assert.InRange(result.Parameters[0].EtaSquared, 0.8, 1);
        Assert.InRange(result.Parameters[^1].EtaSquared, 0, 0.02);
        Assert.Equal(1, result.Parameters.Sum(p => p.Share), 9);
        Assert.InRange(result.SeedEtaSquared!.Value, 0, 0.02);
        Assert.True(result.Explained <= 1 + 1e-9, "on a full grid main effects are orthogonal");
    }

    [Fact]
    public void EtaSquaredIsTheShareOfTheVarianceBetweenGroups()
    {
        // Means 1.5 and 3.5 around 2.5: between 2·1 + 2·1 = 4 of a total 2.25 + 0.25 + 0.25 + 2.25 = 5.
        Assert.Equal(0.8, ParameterImportance.EtaSquared([1, 2, 3, 4], [0, 0, 1, 1]), 12);
        Assert.Equal(0, ParameterImportance.EtaSquared([1, 2, 1, 2], [0, 0, 1, 1]), 12);
        Assert.Equal(0, ParameterImportance.EtaSquared([3, 3, 3], [0, 1, 2]));
    }

    [Fact]
    public void ASmallSweepGetsItsPicturesWithoutParallelCoordinates()
    {
        var pictures = Draw("sweep-small");
        Assert.Equal(["results", "learning-curves", "objective-by-parameter", "parameter-importance"], pictures.Keys); // two parameters

        var curves = Assert.Single(pictures["learning-curves"].Panels);
        var lines = curves.GetPlottables().OfType<Scatter>().ToList();
        Assert.Equal(7, lines.Count); // the failed trial has no curve
        Assert.Single(lines, l => l.LinePattern.Equals(LinePattern.Dashed));
        Assert.Equal(["ran to the end", "stopped early (× where stopped)"], curves.Legend.ManualItems.Take(2).Select(i => i.LabelText));
        Assert.Equal(100, Assert.Single(curves.GetPlottables().OfType<ScottPlot.Plottables.Markers>()).Data.GetScatterPoints()[0].X);

        var byParameter = pictures["objective-by-parameter"];
        Assert.Equal(2, byParameter.Panels.Count);
        Assert.All(byParameter.Panels, p => Assert.IsType<NumericManual>(p.Axes.Bottom.TickGenerator)); // 1 and 5, 1e-3 and 3e-3: under a decade
        Assert.Equal(["0.001", "0.003"], ((NumericManual)byParameter.Panels[1].Axes.Bottom.TickGenerator).Ticks.Select(t => t.Label));
        Assert.Equal(2, byParameter.Panels[0].GetPlottables().OfType<ScottPlot.Plottables.Markers>().Count(m => m.MarkerSize == 6));

        foreach (var picture in pictures.Values)
        {
            var (png, svg) = picture.Save(directory);
            Assert.True(new FileInfo(png).Length > 5_000, $"{png}: too small");
            Assert.Equal("svg", XDocument.Load(svg).Root!.Name.LocalName);
        }
    }

    [Fact]
    public void ARandomSearchsLogRangeGetsDecadesAndBins()
    {
        var random = new Random(1);
        var t0 = DateTimeOffset.UnixEpoch;
        var trials = Enumerable.Range(1, 30).Select(n =>
        {
            var rate = Math.Pow(10, -4 + 2 * random.NextDouble());
            var accuracy = Math.Clamp(0.5 + 0.2 * Math.Log10(rate / 1e-3), 0, 1);
            return new TrialResult(n, $"r/trial-{n}", [new("HyperParameters.LearningRate", rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), new("HyperParameters.NoisePer", n % 2 == 0 ? "step" : "epoch")],
                TrialState.Completed, accuracy, accuracy, 100, accuracy, 100, 100, 1, null, t0, t0, [new SweepPoint(100, accuracy, 1)]);
        }).ToArray();
        var status = new SweepStatus("r", SweepState.Completed, "accuracy", true, 30, 0, 0, 30, 0, 0, 0, 2, trials.MaxBy(t => t.Objective), 3000, 3000, null, 0, "s", t0, t0, "none");
        var view = new SweepView(new SweepResults(status, trials), new HashSet<string> { "HyperParameters.LearningRate" });

        var rate = view.Parameters[0];
        Assert.Equal((true, false, false), (rate.Log, rate.Discrete, rate.Categorical));
        Assert.Equal((false, true), (view.Parameters[1].Log, view.Parameters[1].Categorical));
        var panels = Laid(ObjectiveByParameterPicture.Draw(view)!).Panels;
        Assert.IsType<LogScaleTicks>(panels[0].Axes.Bottom.TickGenerator);
        Assert.Equal(["epoch", "step"], ((NumericManual)panels[1].Axes.Bottom.TickGenerator).Ticks.Select(t => t.Label).Order());
        var importance = ParameterImportance.Compute(view);
        Assert.Equal("LearningRate", importance.Parameters[0].Parameter.ShortName);
        Assert.InRange(importance.Parameters[0].EtaSquared, 0.7, 0.99); // 5 bins, not 30 groups of one
    }
}
