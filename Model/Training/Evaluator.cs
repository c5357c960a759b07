using TorchSharp;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>A hard-selection answer to one example: the program, what it answers, and whether that is right.</summary>
public sealed record Prediction(Example Example, InducedProgram Program, Answer? Answer, bool Correct);

/// <summary>Test accuracy overall and per template category.</summary>
public sealed record Evaluation(int Correct, int Total, IReadOnlyDictionary<TemplateCategory, (int Correct, int Total)> PerCategory, IReadOnlyList<Prediction> Predictions)
{
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
    public double CategoryAccuracy(TemplateCategory category) =>
        PerCategory.TryGetValue(category, out var c) && c.Total > 0 ? (double)c.Correct / c.Total : double.NaN;

    /// <summary>The accuracy of each category in the test set, in category order: what curves, results and jobs report.</summary>
    public IReadOnlyDictionary<TemplateCategory, double> AccuracyPerCategory =>
        PerCategory.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value.Total == 0 ? 0 : (double)p.Value.Correct / p.Value.Total);
}

/// <summary>Inference with argmax selection (docs/model.md 1.6).</summary>
public static class Evaluator
{
    /// <summary>A scalar is right when within this of the truth (the paper: "to the first decimal place").</summary>
    public const double ScalarTolerance = 0.05;

    public static Evaluation Evaluate(NeuralProgrammerNetwork network, Vocabulary vocabulary, IReadOnlyList<Example> examples, int batchSize = 500)
    {
        var predictions = Predict(network, vocabulary, examples, batchSize);
        var perCategory = predictions.GroupBy(p => p.Example.Category)
            .ToDictionary(g => g.Key, g => (g.Count(p => p.Correct), g.Count()));
        return new Evaluation(predictions.Count(p => p.Correct), predictions.Count, perCategory, predictions);
    }

    public static IReadOnlyList<Prediction> Predict(NeuralProgrammerNetwork network, Vocabulary vocabulary, IReadOnlyList<Example> examples, int batchSize = 500)
    {
        var predictions = new List<Prediction>(examples.Count);
        var dtype = network.parameters().First().dtype;
        var device = network.parameters().First().device;
        network.eval();
        using var _ = inference_mode();
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var slice = examples.Skip(start).Take(batchSize).ToList();
            using var batch = EncodedBatch.Encode(slice, vocabulary, dtype, device);
            using var output = network.forward(batch, Selection.Argmax);
            predictions.AddRange(Read(network, batch, output));
        }
        return predictions;
    }

    static IEnumerable<Prediction> Read(NeuralProgrammerNetwork network, EncodedBatch batch, NetworkOutput output)
    {
        int t = network.HyperParameters.Steps;
        var operations = output.OperationWeights.argmax(2).cpu().data<long>().ToArray();
        var columns = output.ColumnWeights.argmax(2).cpu().data<long>().ToArray();
        var scalars = output.ScalarAnswer.to(ScalarType.Float64).cpu().data<double>().ToArray();
        var greater = output.GreaterPivot.to(ScalarType.Float64).cpu().data<double>().ToArray();
        var lesser = output.LesserPivot.to(ScalarType.Float64).cpu().data<double>().ToArray();
        var lookup = (output.LookupAnswer > Scalars.Half).cpu().data<bool>().ToArray();
        long m = output.LookupAnswer.shape[1], c = output.LookupAnswer.shape[2];

        for (int i = 0; i < batch.Size; i++)
        {
            var example = batch.Examples[i];
            var steps = new ProgramStep[t];
            for (int s = 0; s < t; s++)
            {
                var operation = network.Operations[(int)operations[i * t + s]];
                string? column = operation.TakesColumn() ? example.Table.Columns[(int)columns[i * t + s]].Name : null;
                double? pivot = operation switch { Operation.Greater => greater[i], Operation.Lesser => lesser[i], _ => null };
                steps[s] = new ProgramStep(operation, column, pivot);
            }
            var program = new InducedProgram(steps);
            Answer? answer = null;
            if (program.Final.AnswersScalar()) answer = new ScalarAnswer(scalars[i]);
            else if (program.Final == Operation.Assign)
            {
                int rows = example.Table.RowCount, cols = example.Table.ColumnCount;
                var cells = new bool[rows * cols];
                for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++)
                    cells[r * cols + j] = lookup[(i * m + r) * c + j];
                answer = new LookupAnswer(rows, cols, cells);
            }
            yield return new Prediction(example, program, answer, IsCorrect(answer, example.Answer));
        }
    }

    public static bool IsCorrect(Answer? predicted, Answer truth) => (predicted, truth) switch
    {
        (ScalarAnswer p, ScalarAnswer y) => Math.Abs(p.Value - y.Value) < ScalarTolerance,
        (LookupAnswer p, LookupAnswer y) => p.Rows == y.Rows && p.Columns == y.Columns && p.Cells.SequenceEqual(y.Cells),
        _ => false,
    };
}
