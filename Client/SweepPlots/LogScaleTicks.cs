using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// Ticks of an axis whose coordinates are log10 of the values (ScottPlot 5 has no log axis: data are drawn as their
/// logarithm). Labels show the values: a grid's own values where it has few, else powers of ten with minor ticks
/// between. Its type is what marks an axis as log-scaled.
/// </summary>
public sealed class LogScaleTicks : ITickGenerator
{
    readonly ITickGenerator inner;

    /// <summary>Major ticks at <paramref name="levels"/> (values as text), placed at their log10.</summary>
    public LogScaleTicks(IReadOnlyList<string> levels) =>
        inner = new NumericManual(levels.Select(l => Math.Log10(double.Parse(l, CultureInfo.InvariantCulture))).ToArray(), levels.ToArray());

    /// <summary>Powers of ten.</summary>
    public LogScaleTicks() => inner = new NumericAutomatic
    {
        IntegerTicksOnly = true,
        LabelFormatter = x => Math.Pow(10, x).ToString("G3", CultureInfo.InvariantCulture),
        MinorTickGenerator = new LogMinorTickGenerator(),
    };

    public Tick[] Ticks => inner.Ticks;

    public int MaxTickCount { get => inner.MaxTickCount; set => inner.MaxTickCount = value; }

    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle) =>
        inner.Regenerate(range, edge, size, paint, labelStyle);
}
