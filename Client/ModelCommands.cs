using System.CommandLine;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;
using Table = NeuralProgrammer.Model.Data.Table;

namespace NeuralProgrammer.Client;

/// <summary>Commands that use a trained checkpoint in this process: <c>eval</c> and <c>export</c> (and <see cref="AskCommand"/>).</summary>
public static class ModelCommands
{
    static Option<string> ModelOption() => new("--model") { Description = "A checkpoint written by np train --checkpoint", Required = true };

    public static Command Eval()
    {
        var model = ModelOption();
        var variant = new Option<string?>("--variant") { Description = "Dataset to test on (default: the one the model was trained on)" };
        var size = new Option<int>("--test-size") { Description = "Fresh test examples", DefaultValueFactory = _ => 2_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the fresh test sets", DefaultValueFactory = _ => 12_345 };
        var output = new Option<string?>("--out") { Description = "Also write result.json and the training curve (curve.png) of the checkpoint here" };
        var command = new Command("eval", "Test a checkpoint on fresh test sets (the paper's and real-data tables) and print accuracy per category") { model, variant, size, seed, output };
        command.SetAction((parse, _) => Cli.Run(() =>
        {
            var (network, header) = Checkpoint.LoadNetwork(parse.GetValue(model)!);
            using (network)
            {
                var dataset = parse.GetValue(variant) is { } name ? DatasetVariants.Parse(name) : header.Spec.Variant;
                if (parse.GetValue(size) < 1) throw new ArgumentException($"--test-size {parse.GetValue(size)}: must be positive.");
                // The checkpoint's spec with the test sets asked for: the paper's and the real-data one, both fresh from --seed.
                var spec = header.Spec with { Variant = dataset, TestExamples = parse.GetValue(size), Seed = parse.GetValue(seed) };
                var evaluation = Evaluator.Evaluate(network, Vocabulary.All, DataSets.Test(spec));
                var realData = Evaluator.Evaluate(network, Vocabulary.All, DataSets.RealDataTest(spec));
                var result = TrainingResult.From(header.Spec with { Variant = dataset }, header.Updates, header.ElapsedSeconds, evaluation, header.Curve, realData);
                RunReport.Print(result);
                if (parse.GetValue(output) is { } directory)
                {
                    var (json, plot) = RunReport.Write(result, directory);
                    AnsiConsole.MarkupLine($"result: {Markup.Escape(json)}, learning curve: {Markup.Escape(plot)}");
                }
            }
        }));
        return command;
    }

    public static Command Export()
    {
        var model = ModelOption();
        var output = new Option<string>("--out") { Description = "model.safetensors (safetensors) or model.pt (pickled state_dict for torch.load)", Required = true };
        var command = new Command("export", "Write a checkpoint's weights as a PyTorch state_dict") { model, output };
        command.SetAction((parse, _) => Cli.Run(() =>
        {
            var (network, _) = Checkpoint.LoadNetwork(parse.GetValue(model)!);
            using (network)
            {
                var path = parse.GetValue(output)!;
                Checkpoint.ExportForPyTorch(network, path);
                Console.WriteLine($"wrote {path}:");
                foreach (var (name, shape) in ParameterVector.Layout(network))
                    Console.WriteLine($"  {name} [{string.Join(", ", shape)}]");
            }
        }));
        return command;
    }
}
