using NeuralProgrammer.Grains;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>
/// Every picture of a sweep, drawn from its results (<c>results.json</c>) and written next to it as PNG and SVG: the
/// objective per trial, the learning curves, the objective by parameter, parallel coordinates (three parameters or
/// more) and parameter importance. A picture with nothing to draw (no trial evaluated yet) is left out.
/// </summary>
public static class SweepPictures
{
    public static IReadOnlyList<SweepPicture> Draw(SweepView view) =>
        new[]
        {
            ObjectivePerTrialPicture.Draw(view),
            LearningCurvesPicture.Draw(view),
            ObjectiveByParameterPicture.Draw(view),
            ParallelCoordinatesPicture.Draw(view),
            ParameterImportancePicture.Draw(view),
        }.OfType<SweepPicture>().ToList();

    /// <summary>Draws and writes the pictures into <paramref name="directory"/>; returns the PNG paths.</summary>
    public static IReadOnlyList<string> Write(SweepView view, string directory) => Draw(view).Select(p => p.Save(directory).Png).ToList();

    /// <summary>The parameters a spec puts on a log scale (a range's <c>"Scale": "log"</c>).</summary>
    public static IReadOnlySet<string> LogScaled(SweepSpec? spec) =>
        (spec?.Space ?? []).Where(p => p.Name is not null && string.Equals(p.Scale, "log", StringComparison.OrdinalIgnoreCase)).Select(p => p.Name!).ToHashSet();
}
