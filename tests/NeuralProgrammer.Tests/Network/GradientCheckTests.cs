using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Tests.Network;

/// <summary>The gradient of the full training objective against central finite differences, float64, tiny model.</summary>
public class GradientCheckTests
{
    public static TheoryData<string, DatasetVariant, bool, bool, ComparisonMode, double, double, double, double> Configurations => new()
    {
        { "numeric", DatasetVariant.SingleColumn, false, false, ComparisonMode.Expected, 1, 0, 0, 1 },
        { "paper comparison", DatasetVariant.Columns3, false, false, ComparisonMode.Paper, 1, 0, 0, 1 },
        { "text match, bidirectional, attention", DatasetVariant.TextMatch2, true, true, ComparisonMode.Expected, 1, 0, 0, 1 },
        { "temperature and entropy bonus", DatasetVariant.Columns3, false, false, ComparisonMode.Expected, 3, 0.5, 0, 1 },
        { "program memory", DatasetVariant.Columns3, false, false, ComparisonMode.Expected, 1, 0, 20, 1 },
        { "program memory, text match, attention", DatasetVariant.TextMatch2, false, true, ComparisonMode.Expected, 1, 0, 20, 1 },
        { "text-match temperature", DatasetVariant.TextMatch2, false, false, ComparisonMode.Expected, 1, 0, 0, 4 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void EveryParameterGroupMatchesFiniteDifferences(string name, DatasetVariant variant, bool bidirectional, bool attention,
        ComparisonMode comparison, double temperature, double entropy, double memoryWeight, double textMatchTemperature)
    {
        var hyperParameters = HyperParameters.Default with
        {
            Dimension = 4, BidirectionalQuestion = bidirectional, QuestionAttention = attention, Comparison = comparison,
            SelectorTemperature = temperature, TextMatchTemperature = textMatchTemperature,
            TemperatureAnnealSteps = temperature == 1 && textMatchTemperature == 1 ? 0 : 100,
            EntropyWeight = entropy, EntropyAnnealSteps = entropy == 0 ? 0 : 100, InitScale = 0.5, HuberDelta = 25,
            ProgramMemoryWeight = memoryWeight,
        };
        var examples = SyntheticData.Generate(variant, 6, seed: 11, DataSplit.Train);
        Assert.Contains(examples, e => e.Answer is ScalarAnswer);
        Assert.Contains(examples, e => e.Answer is LookupAnswer);
        using var network = new NeuralProgrammerNetwork(Vocabulary.All.Count, Operations.For(variant.Facts().MaxTextColumns > 0), hyperParameters, seed: 5);
        network.to(ScalarType.Float64);
        using var batch = EncodedBatch.Encode(examples, Vocabulary.All, ScalarType.Float64);
        const long update = 10;
        var memory = memoryWeight > 0 ? ProgramMemory.Build(examples, network.Operations, hyperParameters.Steps) : null;
        if (memory is not null) Assert.True(memory.ExamplesCovered >= 3, memory.ToString());
        using var programs = memory is null ? null : ProgramTargets.Encode(examples, memory, hyperParameters.Steps, CPU);

        using var analytic = GradientComputation.Compute(network, batch, update, memory);
        var gradient = analytic.Gradient.data<double>().ToArray();

        double Objective()
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            using var output = network.forward(batch, Selection.Soft(hyperParameters.TemperatureAt(update), hyperParameters.TextMatchTemperatureAt(update)));
            var loss = Loss.Compute(output, batch, hyperParameters.HuberDelta, hyperParameters.LookupWeight);
            var w = hyperParameters.EntropyWeightAt(update);
            if (w > 0) loss = loss - w * Loss.OperationEntropy(output);
            if (programs is not null) loss = loss + memoryWeight * Loss.ProgramMemory(network.ProgramLogLikelihood(batch, programs), programs.Mask);
            return loss.item<double>();
        }

        var random = new Random(1);
        long offset = 0;
        const double h = 1e-6;
        foreach (var (parameterName, parameter) in network.named_parameters())
        {
            var flat = parameter.detach().view(-1);
            var entries = Enumerable.Range(0, (int)flat.numel()).OrderBy(_ => random.Next()).Take(25).ToList();
            double difference = 0, scale = 0;
            foreach (var i in entries)
            {
                double original = flat[i].item<double>();
                flat[i] = original + h;
                double plus = Objective();
                flat[i] = original - h;
                double minus = Objective();
                flat[i] = original;
                double numeric = (plus - minus) / (2 * h), exact = gradient[offset + i];
                difference += (numeric - exact) * (numeric - exact);
                scale += Math.Max(numeric * numeric, exact * exact);
            }
            offset += flat.numel();
            double relative = Math.Sqrt(difference) / Math.Max(Math.Sqrt(scale), 1e-12);
            // With one column the column softmax is constant 1, so W_col rightly has no gradient there.
            if (variant.Facts().MaxColumns > 1 || parameterName != "selector.W_col.weight")
                Assert.True(scale > 0, $"{name}: {parameterName} has no gradient at all");
            Assert.True(relative < 1e-4, $"{name}: {parameterName} relative error {relative:E2}");
        }
    }
}
