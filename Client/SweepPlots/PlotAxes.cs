using ScottPlot;
using ScottPlot.TickGenerators;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>Axis set-ups the sweep pictures share: counts with whole-number ticks only, a parameter's values as ticks.</summary>
public static class PlotAxes
{
    /// <summary>Ticks at whole numbers only: a trial, an update or a rank has no 1.2.</summary>
    public static void Count(IAxis axis) => axis.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };

    /// <summary>Ticks of <paramref name="parameter"/>: its own values when it has few, else automatic (powers of ten on a log axis).</summary>
    public static void Parameter(IAxis axis, SweepParameterAxis parameter)
    {
        if (parameter.Log) axis.TickGenerator = parameter.Discrete ? new LogScaleTicks(parameter.Levels) : new LogScaleTicks();
        else if (parameter.Discrete) axis.TickGenerator = new NumericManual(parameter.LevelPositions.ToArray(), parameter.Levels.ToArray());
        else axis.TickGenerator = new NumericAutomatic();
    }

    /// <summary>
    /// How far marks of one value of a discrete parameter spread sideways: 30% of the smallest gap between neighbouring
    /// values, so that they stay clear of the next value's; 0 for a continuous parameter, whose values rarely coincide.
    /// </summary>
    public static double JitterWidth(SweepParameterAxis parameter)
    {
        if (!parameter.Discrete) return 0;
        var positions = parameter.LevelPositions;
        if (positions.Count < 2) return 0.3;
        var gap = positions.Zip(positions.Skip(1), (a, b) => b - a).Min();
        return 0.3 * gap;
    }
}
