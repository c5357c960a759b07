using System.CommandLine;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;
using Table = NeuralProgrammer.Model.Data.Table;

namespace NeuralProgrammer.Client;

/// <summary>Commands that use a trained checkpoint in this process: <c>ask</c>, <c>eval</c> and <c>export</c>.</summary>
public static class ModelCommands
{
    static Option<string> ModelOption() => new("--model") { Description = "A checkpoint written by np train --checkpoint", Required = true };

    public static Command Ask()
    {
        var model = ModelOption();
        var table = new Option<string>("--table") { Description = "CSV file: a header of column names, then rows of numbers or words", Required = true };
        var question = new Argument<string>("question") { Description = "The question, e.g. \"greater 50 A sum B\"" };
        var command = new Command("ask", "Answer a question about a CSV table with a trained model, showing the induced program") { model, table, question };
        command.SetAction((parse, _) => Cli.Run(() =>
        {
            var (network, header) = Checkpoint.LoadNetwork(parse.GetValue(model)!);
            using (network)
            {
                var link = SchemaLink.Create(TableCsv.Read(parse.GetValue(table)!), parse.GetValue(question)!, header.Spec.Variant);
                foreach (var warning in link.Warnings) AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(warning)}");
                PrintAnswer(Answer(network, link), link);
            }
        }));
        return command;
    }

    /// <summary>
    /// The model's argmax answer to a linked question. The network runs in float64 here, so that a sum or difference
    /// of a user's values stays exact to the cent up to ±1e6 and beyond (float32 keeps about 7 digits).
    /// </summary>
    public static Prediction Answer(NeuralProgrammerNetwork network, SchemaLink link)
    {
        network.to(ScalarType.Float64);
        var example = new Example(link.Table, link.Question, new ScalarAnswer(double.NaN), "user question", TemplateCategory.Aggregation);
        return Evaluator.Predict(network, Vocabulary.All, [example]).Single();
    }

    static void PrintAnswer(Prediction prediction, SchemaLink link)
    {
        var table = link.UserTable;
        var steps = new Spectre.Console.Table().Title("Induced program").AddColumn("step").AddColumn("operation").AddColumn("column").AddColumn("pivot");
        for (int i = 0; i < prediction.Program.Steps.Count; i++)
        {
            var step = prediction.Program.Steps[i];
            steps.AddRow($"{i + 1}", step.Operation.DisplayName(), Markup.Escape(step.Column is { } c ? link.UserColumn(c) : ""),
                step.Pivot is { } p ? Question.FormatNumber(p) : "");
        }
        AnsiConsole.Write(steps);
        switch (prediction.Answer)
        {
            case ScalarAnswer s:
                Console.WriteLine($"answer: {ProgramSample.Describe(s)}");
                break;
            case LookupAnswer l:
                var cells = Enumerable.Range(0, l.Rows).SelectMany(r => Enumerable.Range(0, l.Columns).Where(c => l[r, c]).Select(c => (r, c))).ToList();
                Console.WriteLine($"answer: {cells.Count} cells printed");
                foreach (var (r, c) in cells)
                {
                    var column = table.Columns[c];
                    Console.WriteLine($"  row {r + 1}, {column.Name}: {(column.IsText ? column.Words![r] : Question.FormatNumber(column.Numbers![r]))}");
                }
                break;
            default:
                Console.WriteLine($"answer: none (the program ends with {prediction.Program.Final.DisplayName()}, which answers nothing)");
                break;
        }
    }

    public static Command Eval()
    {
        var model = ModelOption();
        var variant = new Option<string?>("--variant") { Description = "Dataset to test on (default: the one the model was trained on)" };
        var size = new Option<int>("--test-size") { Description = "Fresh test examples", DefaultValueFactory = _ => 2_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the fresh test set", DefaultValueFactory = _ => 12_345 };
        var output = new Option<string?>("--out") { Description = "Also write result.json and the training curve (curve.png) of the checkpoint here" };
        var command = new Command("eval", "Test a checkpoint on a fresh test set and print accuracy per category") { model, variant, size, seed, output };
        command.SetAction((parse, _) => Cli.Run(() =>
        {
            var (network, header) = Checkpoint.LoadNetwork(parse.GetValue(model)!);
            using (network)
            {
                var dataset = parse.GetValue(variant) is { } name ? DatasetVariants.Parse(name) : header.Spec.Variant;
                if (parse.GetValue(size) < 1) throw new ArgumentException($"--test-size {parse.GetValue(size)}: must be positive.");
                var test = SyntheticData.Generate(dataset, parse.GetValue(size), parse.GetValue(seed), DataSplit.Test, header.Spec.Categories);
                var evaluation = Evaluator.Evaluate(network, Vocabulary.All, test);
                var result = TrainingResult.From(header.Spec with { Variant = dataset }, header.Updates, header.ElapsedSeconds, evaluation, header.Curve);
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
