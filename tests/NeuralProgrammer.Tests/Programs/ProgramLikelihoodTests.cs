using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Tests.Programs;

/// <summary>log π(p) of teacher-forced programs: a distribution over programs, peaked where the argmax forward goes.</summary>
public class ProgramLikelihoodTests
{
    [Theory]
    [InlineData(DatasetVariant.SingleColumn, false)]
    [InlineData(DatasetVariant.Columns3, true)]
    public void SumsToOneOverEveryProgram(DatasetVariant variant, bool attention)
    {
        var hyperParameters = HyperParameters.Default with { Dimension = 4, InitScale = 0.5, QuestionAttention = attention };
        using var network = new NeuralProgrammerNetwork(Vocabulary.All.Count, Operations.Numeric, hyperParameters, seed: 3);
        network.to(ScalarType.Float64);
        var example = SyntheticData.Generate(variant, 500, 4, DataSplit.Train)
            .First(e => e.Question.Numbers.Count == 2 && e.Table.ColumnCount == variant.Facts().MaxColumns);
        var programs = AllPrograms(example, network.Operations, hyperParameters.Steps);

        using var batch = EncodedBatch.Encode([example], Vocabulary.All, ScalarType.Float64);
        using var targets = ProgramTargets.Encode([programs], network.Operations, programs.Count, hyperParameters.Steps, CPU);
        using var _ = no_grad();
        using var logLikelihood = network.ProgramLogLikelihood(batch, targets);
        Assert.Equal(0, logLikelihood.logsumexp(1).item<double>(), 1e-9);
    }

    [Fact]
    public void GivenTheArgmaxPrefixTheArgmaxLastMoveIsTheMostLikely()
    {
        var hyperParameters = HyperParameters.Default with { Dimension = 8, InitScale = 1 };
        using var network = new NeuralProgrammerNetwork(Vocabulary.All.Count, Operations.Numeric, hyperParameters, seed: 5);
        var examples = SyntheticData.Generate(DatasetVariant.SingleColumn, 20, 6, DataSplit.Train).Where(e => e.Question.Numbers.Count > 0).Take(5).ToList();
        var predictions = Evaluator.Predict(network, Vocabulary.All, examples);
        foreach (var prediction in predictions)
        {
            // Greedy decoding is not the most likely program overall, but given its own prefix its last move is.
            var operations = prediction.Program.Steps.Select(s => s.Operation).ToList();
            var all = AllPrograms(prediction.Example, network.Operations, hyperParameters.Steps)
                .Where(p => p.Steps.Take(operations.Count - 1).Select(s => s.Operation).SequenceEqual(operations.Take(operations.Count - 1))).ToList();
            using var batch = EncodedBatch.Encode([prediction.Example], Vocabulary.All);
            using var targets = ProgramTargets.Encode([all], network.Operations, all.Count, hyperParameters.Steps, CPU);
            using var _ = no_grad();
            using var logLikelihood = network.ProgramLogLikelihood(batch, targets);
            var best = all[(int)logLikelihood.argmax(1).item<long>()];
            Assert.Equal(operations, best.Steps.Select(s => s.Operation));
        }
    }

    /// <summary>Every program of T moves the example allows, with one pivot per comparison operation.</summary>
    static IReadOnlyList<HardProgram> AllPrograms(Example example, IReadOnlyList<Operation> operations, int steps)
    {
        var moves = new ProgramExecution(example).Moves(operations);
        var names = example.Table.Columns.Select(c => c.Name).ToList();
        IEnumerable<ProgramMove[]> programs = [[]];
        for (int s = 0; s < steps; s++) programs = programs.SelectMany(p => moves.Select(m => (ProgramMove[])[.. p, m]));
        bool OnePivot(ProgramMove[] p, Operation operation) => p.Where(m => m.Operation == operation).Select(m => m.Pivot).Distinct().Count() <= 1;
        return programs.Where(p => OnePivot(p, Operation.Greater) && OnePivot(p, Operation.Lesser)).Select(p => new HardProgram(p, names)).ToList();
    }
}
