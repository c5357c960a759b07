using System.CommandLine;
using NeuralProgrammer.Model.Data;
using Spectre.Console;
using TorchSharp;

namespace NeuralProgrammer.Client;

/// <summary><c>np train</c>: trains a model and prints its test accuracy per category and a few induced programs.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var trainOptions = new TrainOptions();
        var threads = new Option<int>("--threads") { Description = "Torch threads (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string?>("--out") { Description = "Directory for result.json and curve.png (default runs/<variant>-seed<seed>-<time>)" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Write a checkpoint (weights + optimizer) here after every evaluation" };
        var resume = new Option<string?>("--resume") { Description = "Resume the run saved in this checkpoint (--steps raises its budget)" };

        var command = new Command("train", "Train a Neural Programmer and print its test accuracy per category and a few induced programs");
        foreach (var option in trainOptions.All.Append(threads).Append(output).Append(checkpoint).Append(resume)) command.Options.Add(option);
        command.SetAction((parse, cancellation) => Cli.Run(() =>
        {
            if (parse.GetValue(threads) < 1) throw new ArgumentException($"--threads {parse.GetValue(threads)}: must be at least 1.");
            torch.set_num_threads(parse.GetValue(threads));
            var spec = trainOptions.ToSpec(parse);
            AnsiConsole.MarkupLine($"[bold]Training[/] {spec.Variant.Name()}{(spec.Categories is null ? "" : $" ({string.Join(", ", spec.Categories).ToLowerInvariant()})")}, " +
                                   $"{spec.Steps:N0} updates of {spec.HyperParameters.BatchSize}, {spec.TrainingExamples:N0} training examples, seed {spec.Seed}, " +
                                   $"{torch.get_num_threads()} threads");
            var result = LocalTraining.Run(spec, parse.GetValue(checkpoint), parse.GetValue(resume), cancellation);
            RunReport.Print(result);
            var (json, plot) = RunReport.Write(result, parse.GetValue(output) ?? RunReport.DefaultDirectory(spec));
            AnsiConsole.MarkupLine($"result: {Markup.Escape(json)}, learning curve: {Markup.Escape(plot)}");
        }));
        return command;
    }
}
