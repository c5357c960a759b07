using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;
using TorchSharp;

namespace NeuralProgrammer.Tests.Programs;

/// <summary>The search's executor against the network: the same program must give the same answer.</summary>
public class ProgramExecutionTests
{
    [Theory]
    [InlineData(DatasetVariant.SingleColumn, 1)]
    [InlineData(DatasetVariant.Columns3, 2)]
    [InlineData(DatasetVariant.Columns5, 3)]
    public void RunsTheProgramsOfTheArgmaxForwardPassToTheSameAnswers(DatasetVariant variant, int seed)
    {
        // Untrained networks with large weights emit varied programs; the executor must agree with each one.
        var hyperParameters = HyperParameters.Default with { Dimension = 8, InitScale = 1 };
        using var network = new NeuralProgrammerNetwork(Vocabulary.All.Count, Operations.Numeric, hyperParameters, seed);
        var examples = SyntheticData.Generate(variant, 400, seed, DataSplit.Test);
        var predictions = Evaluator.Predict(network, Vocabulary.All, examples);

        int distinctPrograms = predictions.Select(p => p.Program.ToString()).Distinct().Count();
        Assert.True(distinctPrograms >= 5, $"only {distinctPrograms} distinct programs: the check would be weak");
        int answered = 0;
        foreach (var prediction in predictions)
        {
            var example = prediction.Example;
            var program = ToHardProgram(prediction.Program, example);
            var answer = new ProgramExecution(example).Run(program);
            switch (prediction.Answer, answer)
            {
                case (null, null): break;
                case (ScalarAnswer expected, ScalarAnswer actual):
                    Assert.True(Math.Abs(expected.Value - actual.Value) < 1e-2, $"{program}: network {expected.Value}, executor {actual.Value}");
                    answered++;
                    break;
                case (LookupAnswer expected, LookupAnswer actual):
                    Assert.Equal(expected.Cells, actual.Cells);
                    answered++;
                    break;
                default:
                    Assert.Fail($"{program}: network answered {prediction.Answer}, executor {answer}");
                    break;
            }
            Assert.Equal(prediction.Correct, new ProgramExecution(example).Answers(program));
        }
        Assert.True(answered > 0, "no program answered anything");
    }

    /// <summary>The induced program with columns as indices and each pivot as the index of the question number it equals.</summary>
    static HardProgram ToHardProgram(InducedProgram induced, Example example)
    {
        var numbers = example.Question.Numbers.Count == 0 ? [-1.0] : example.Question.Numbers.ToArray();
        int PivotIndex(double pivot) => Array.FindIndex(numbers, n => Math.Abs(n - pivot) < 1e-3);
        var steps = induced.Steps.Select(s => new ProgramMove(s.Operation,
            s.Column is null ? -1 : example.Table.ColumnIndex(s.Column),
            s.Pivot is { } p ? PivotIndex(p) : -1)).ToList();
        return new HardProgram(steps, example.Table.Columns.Select(c => c.Name).ToList());
    }
}
