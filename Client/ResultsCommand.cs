using System.CommandLine;
using System.Text.Json;
using NeuralProgrammer.Client.SweepPlots;
using NeuralProgrammer.Grains.Sweeps;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client;

/// <summary>
/// <c>np results</c>: reads every <c>result.json</c> under the given directories and prints the results table
/// (<see cref="ResultsTable"/>) as Markdown; with <c>--plot</c> also draws each configuration's lowest seed's learning curve.
/// A sweep's directory (one holding the <c>results.json</c> of <c>np sweep</c>) gets its pictures drawn again instead
/// (<see cref="SweepPictures"/>).
/// </summary>
public static class ResultsCommand
{
    public static Command Create()
    {
        var directories = new Argument<string[]>("directories")
        {
            Description = "Directories searched for the result.json files of np train, or a sweep's directory (its results.json) to draw its pictures",
            Arity = ArgumentArity.ZeroOrMore,
            DefaultValueFactory = _ => ["results"],
        };
        var plot = new Option<string?>("--plot") { Description = "Also draw the test accuracy curve of every configuration's lowest seed into this PNG (or SVG)" };
        var command = new Command("results", "Print the results of training runs as a Markdown table against the paper's, one row per configuration over its seeds; draw a sweep's pictures")
        {
            directories, plot,
        };
        command.SetAction((parse, _) => Cli.Run(() =>
        {
            var (sweeps, runs) = Partition(parse.GetValue(directories)!);
            foreach (var sweep in sweeps) DrawSweep(sweep);
            if (runs.Count == 0) return;
            var configurations = ResultsTable.Group(runs.SelectMany(Read));
            Console.Write(ResultsTable.Markdown(configurations));
            if (parse.GetValue(plot) is not { } path) return;
            var curves = configurations.Where(c => c.Lowest.Curve.Count > 0).Select(c => (c.Label, c.Lowest)).ToList();
            LearningCurvePlot.SaveComparison(curves, "Test accuracy of each configuration's lowest seed", path);
            Console.WriteLine($"{Environment.NewLine}![learning curves]({path})");
        }));
        return command;
    }

    /// <summary>Sweep results (a directory with a <c>results.json</c>, or that file) apart from directories of training runs.</summary>
    static (List<string> Sweeps, List<string> Runs) Partition(IEnumerable<string> paths)
    {
        var all = paths.ToList();
        bool IsSweep(string path) => Path.GetFileName(path) == SweepResultsFile ? File.Exists(path) : File.Exists(Path.Combine(path, SweepResultsFile));
        return (all.Where(IsSweep).ToList(), all.Where(p => !IsSweep(p)).ToList());
    }

    const string SweepResultsFile = "results.json";

    /// <summary>Draws a sweep's pictures next to its <c>results.json</c> and prints them as Markdown images, with the parameters' importance.</summary>
    static void DrawSweep(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, SweepResultsFile) : path;
        Grains.SweepResults results;
        try
        {
            results = SweepFiles.ResultsFromJson(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file} is not the results of a sweep: {e.Message}", e);
        }
        var view = new SweepView(results);
        Console.WriteLine($"Sweep {results.Status.SweepId}: {results.Trials.Length} trials, {view.Evaluated.Count} evaluated; objective {results.Status.Objective}.");
        if (view.Evaluated.Count > 1 && view.Parameters.Count > 0) Console.WriteLine(ParameterImportance.Summary(ParameterImportance.Compute(view)));
        foreach (var picture in SweepPictures.Write(view, Path.GetDirectoryName(Path.GetFullPath(file))!))
            Console.WriteLine($"![{Path.GetFileNameWithoutExtension(picture)}]({picture})");
    }

    static IEnumerable<TrainingResult> Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such directory.");
        var files = Directory.EnumerateFiles(directory, "result.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"{directory}: no result.json files under it.");
        return files.Select(RunReport.Read).ToList();
    }
}
