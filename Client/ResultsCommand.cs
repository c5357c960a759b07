using System.CommandLine;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client;

/// <summary>
/// <c>np results</c>: reads every <c>result.json</c> under the given directories and prints the results table
/// (<see cref="ResultsTable"/>) as Markdown; with <c>--plot</c> also draws each configuration's lowest seed's learning curve.
/// </summary>
public static class ResultsCommand
{
    public static Command Create()
    {
        var directories = new Argument<string[]>("directories")
        {
            Description = "Directories searched for the result.json files of np train",
            Arity = ArgumentArity.ZeroOrMore,
            DefaultValueFactory = _ => ["results"],
        };
        var plot = new Option<string?>("--plot") { Description = "Also draw the test accuracy curve of every configuration's lowest seed into this PNG (or SVG)" };
        var command = new Command("results", "Print the results of training runs as a Markdown table against the paper's, one row per configuration over its seeds")
        {
            directories, plot,
        };
        command.SetAction((parse, _) => Cli.Run(() =>
        {
            var configurations = ResultsTable.Group(parse.GetValue(directories)!.SelectMany(Read));
            Console.Write(ResultsTable.Markdown(configurations));
            if (parse.GetValue(plot) is not { } path) return;
            var curves = configurations.Where(c => c.Lowest.Curve.Count > 0).Select(c => (c.Label, c.Lowest)).ToList();
            LearningCurvePlot.SaveComparison(curves, "Test accuracy of each configuration's lowest seed", path);
            Console.WriteLine($"{Environment.NewLine}![learning curves]({path})");
        }));
        return command;
    }

    static IEnumerable<TrainingResult> Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such directory.");
        var files = Directory.EnumerateFiles(directory, "result.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"{directory}: no result.json files under it.");
        return files.Select(RunReport.Read).ToList();
    }
}
