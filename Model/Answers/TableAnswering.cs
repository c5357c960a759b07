using System.Text.Json;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Answers;

/// <summary>
/// Answers users' questions about their tables with one trained network (docs/model.md 1.10): the table and question
/// linked to the model's names, argmax inference (1.6), the program's probability, and the answer in the user's names.
/// The network runs in float64, so that a sum or difference of a user's values stays exact to the cent up to ±1e6.
/// </summary>
public sealed class TableAnswering : IDisposable
{
    readonly NeuralProgrammerNetwork network;

    /// <param name="network">The trained network; this object owns it from now on.</param>
    /// <param name="variant">The variant it was trained on: its column names, cell words and question words.</param>
    /// <param name="model">What to call the model in answers (a checkpoint path, a job).</param>
    public TableAnswering(NeuralProgrammerNetwork network, DatasetVariant variant, string model)
    {
        this.network = network;
        network.to(ScalarType.Float64);
        network.eval();
        Variant = variant;
        Model = model;
    }

    public DatasetVariant Variant { get; }
    public string Model { get; }

    /// <summary>The model's answer to <paramref name="question"/> about <paramref name="table"/>.</summary>
    /// <exception cref="FormatException">The question cannot be taken (<see cref="QuestionException"/>, or an unreadable number).</exception>
    public AnswerReport Answer(Table table, string question, string? tablePath = null)
    {
        var link = SchemaLink.Create(table, question, Variant);
        var example = new Example(link.Table, link.Question, new ScalarAnswer(double.NaN), "user question", TemplateCategory.Aggregation);
        var prediction = Evaluator.Predict(network, Vocabulary.All, [example]).Single();
        var program = prediction.Program.Steps
            .Select(s => new ProgramStepReport(s.Operation.DisplayName(), s.Column is { } c ? link.UserColumn(c) : null, s.Pivot)).ToList();
        var (kind, answer, rows, cells) = prediction.Answer switch
        {
            ScalarAnswer s => ("scalar", (double?)s.Value, (IReadOnlyList<int>?)null, (IReadOnlyList<PrintedCell>?)null),
            LookupAnswer l => ("lookup", null, Enumerable.Range(0, l.Rows).Where(r => Enumerable.Range(0, l.Columns).Any(c => l[r, c])).ToList(), Printed(l, link.UserTable)),
            _ => ("none", null, null, null),
        };
        return new AnswerReport(question, tablePath, Model, answer, kind, rows, cells, program, Confidence(example, prediction), link.Warnings);
    }

    static List<PrintedCell> Printed(LookupAnswer answer, Table table) =>
        Enumerable.Range(0, answer.Rows).SelectMany(r => Enumerable.Range(0, answer.Columns).Where(c => answer[r, c]).Select(c =>
        {
            var column = table.Columns[c];
            var value = column.IsText ? JsonSerializer.SerializeToElement(column.Words![r]) : JsonSerializer.SerializeToElement(column.Numbers![r]);
            return new PrintedCell(r, column.Name, value);
        })).ToList();

    /// <summary>π(p) of the argmax program p: the product over steps of α_op, α_col where the operation takes a column, and β of each pivot in use (docs/model.md 1.8b).</summary>
    double Confidence(Example example, Prediction prediction)
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var table = example.Table;
        var numbers = example.Question.Numbers;
        // A question without numbers has the one pivot −1 at index 0 (EncodedBatch).
        int PivotIndex(double? value) => Math.Max(0, numbers.ToList().IndexOf(value ?? double.NaN));
        int greater = -1, lesser = -1;
        var moves = prediction.Program.Steps.Select(s =>
        {
            if (s.Operation == Operation.Greater) greater = PivotIndex(s.Pivot);
            if (s.Operation == Operation.Lesser) lesser = PivotIndex(s.Pivot);
            return new ProgramMove(s.Operation, s.Column is { } c ? table.ColumnIndex(c) : -1,
                s.Operation switch { Operation.Greater => greater, Operation.Lesser => lesser, _ => -1 });
        }).ToList();
        var program = new HardProgram(moves, table.Columns.Select(c => c.Name).ToList());
        var device = network.parameters().First().device;
        using var batch = EncodedBatch.Encode([example], Vocabulary.All, ScalarType.Float64, device);
        using var targets = ProgramTargets.Encode([[program]], network.Operations, slots: 1, network.HyperParameters.Steps, device);
        return Math.Exp(network.ProgramLogLikelihood(batch, targets).to(ScalarType.Float64).cpu().item<double>());
    }

    public void Dispose() => network.Dispose();
}
