using NeuralProgrammer.Model;
using ScottPlot;
using SkiaSharp;

namespace NeuralProgrammer.Client.SweepPlots;

/// <summary>One picture of a sweep: its file name (without extension), its panels and its size in pixels.</summary>
public sealed record SweepPicture(string Name, Multiplot Figure, int Width, int Height)
{
    public IReadOnlyList<Plot> Panels => Figure.GetPlots();

    public static SweepPicture Single(string name, Plot plot, int width, int height) => new(name, new Multiplot(plot), width, height);

    /// <summary>Writes <c>{Name}.png</c> and <c>{Name}.svg</c> into <paramref name="directory"/>; returns their paths.</summary>
    public (string Png, string Svg) Save(string directory)
    {
        var png = Path.Combine(directory, Name + ".png");
        var svg = Path.Combine(directory, Name + ".svg");
        AtomicFile.WriteVia(png, temporary => Figure.SavePng(temporary, Width, Height));
        // Multiplot has no SaveSvg: render it onto Skia's SVG canvas, which writes the file when disposed.
        AtomicFile.Write(svg, stream =>
        {
            using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), stream);
            Figure.Render(canvas, new PixelRect(0, Width, Height, 0));
        });
        return (png, svg);
    }
}
