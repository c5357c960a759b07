using System.Text.Json;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Data;
using Table = Spectre.Console.Table;
using TableColumn = Spectre.Console.TableColumn;
using NeuralProgrammer.Model.Training;
using Spectre.Console;

namespace NeuralProgrammer.Client;

/// <summary>Prints a finished run, writes its result JSON and learning curve next to each other, and reads the JSON back.</summary>
public static class RunReport
{
    public static void Print(TrainingResult result)
    {
        var table = new Table().Title($"Test accuracy after {result.Updates:N0} updates ({result.ExamplesSeen:N0} examples, {result.WallSeconds:F0} s)")
            .AddColumn("category").AddColumn(new TableColumn("accuracy").RightAligned());
        var realData = result.RealDataCategoryAccuracy;
        if (realData is not null) table.AddColumn(new TableColumn("real data").RightAligned());
        string[] Row(string name, double accuracy, double? real) =>
            realData is null ? [name, Percent(accuracy)] : [name, Percent(accuracy), real is { } r ? Percent(r) : ""];
        foreach (var (category, accuracy) in result.CategoryAccuracy.OrderBy(p => p.Key))
            table.AddRow(Row(category.ToString().ToLowerInvariant(), accuracy, realData?.TryGetValue(category, out var r) == true ? r : null));
        table.AddRow(Row("overall", result.Accuracy, result.RealDataAccuracy).Select(cell => $"[bold]{cell}[/]").ToArray());
        AnsiConsole.Write(table);

        var programs = new Table().Title("Induced programs (test examples)").AddColumn("question").AddColumn("program").AddColumn("answer").AddColumn("truth");
        foreach (var p in result.Programs)
            programs.AddRow(Markup.Escape(p.Question), Markup.Escape(p.Program), (p.Correct ? "[green]" : "[red]") + Markup.Escape(p.Answer) + "[/]", Markup.Escape(p.Truth));
        AnsiConsole.Write(programs);
        AnsiConsole.MarkupLine($"accuracy: {100 * result.Accuracy:F2}%" +
            (result.RealDataAccuracy is { } real ? $", on real-data tables (ties, repeated values): {100 * real:F2}%" : ""));
        if (result.BestOnValidation is { } best)
            AnsiConsole.MarkupLine($"best on validation: update {best.Update:N0} ({100 * best.ValidationAccuracy:F2}% on the validation set), test accuracy {100 * best.Accuracy:F2}%");
    }

    static string Percent(double accuracy) => $"{100 * accuracy:F2}%";

    /// <summary>Writes <c>result.json</c> and <c>curve.png</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static (string Json, string Plot) Write(TrainingResult result, string directory)
    {
        var json = Path.Combine(directory, "result.json");
        AtomicFile.WriteAllText(json, JsonSerializer.Serialize(result, Checkpoint.Json));
        var plot = Path.Combine(directory, "curve.png");
        if (result.Curve.Count > 0)
            LearningCurvePlot.Save(result.Curve, $"{result.Spec.Variant.Name()}, seed {result.Spec.Seed}", plot);
        return (json, plot);
    }

    /// <summary>Reads a <c>result.json</c> written by <see cref="Write"/>; throws <see cref="InvalidDataException"/> naming the file if it is not one.</summary>
    public static TrainingResult Read(string path)
    {
        TrainingResult? result;
        try
        {
            result = JsonSerializer.Deserialize<TrainingResult>(File.ReadAllText(path), Checkpoint.Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a training result: {e.Message}");
        }
        return result is { Spec: not null, Curve: not null } ? result : throw new InvalidDataException($"{path} is not a training result: it has no Spec or Curve.");
    }

    public static string DefaultDirectory(TrainingSpec spec) =>
        Path.Combine("runs", $"{spec.Variant.Name()}-seed{spec.Seed}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
}
