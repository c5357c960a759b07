using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Settings;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// What to train on and for how long: the data, the seed, the step budget and the hyperparameters. Each property is
/// a setting defined in <see cref="RunSettings"/>; this record holds its default.
/// </summary>
public sealed record TrainingSpec
{
    public DatasetVariant Variant { get; init; } = DatasetVariant.SingleColumn;
    /// <summary>Training examples generated once and cycled through in epochs (the paper: 50,000).</summary>
    public int TrainingExamples { get; init; } = 50_000;
    public int TestExamples { get; init; } = 1_000;
    /// <summary>Validation examples (the test distribution, another seed), evaluated beside the test set to choose the best checkpoint; 0 = none.</summary>
    public int ValidationExamples { get; init; }
    /// <summary>Only these template categories, or all when null.</summary>
    public IReadOnlyList<TemplateCategory>? Categories { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>The share of training tables drawn like real data (ties, repeated values; docs/model.md 1.8c); 0 = the paper's tables only.</summary>
    public double RealDataShare { get; init; }
    public int Steps { get; init; } = 10_000;
    public int EvaluateEvery { get; init; } = 500;
    public HyperParameters HyperParameters { get; init; } = HyperParameters.Default;
    public string Device { get; init; } = "cpu";
    /// <summary>How a cluster job's weights and gradients travel (<see cref="WireFormat"/>); one process has nothing to send.</summary>
    public WireFormat Transport { get; init; } = WireFormat.Float32;
    /// <summary>S, the parameter-server shards of a cluster job; 0 chooses from the workers and the vector's size (docs/architecture.md 2.2).</summary>
    public int Shards { get; init; }

    /// <summary>The test set's seed: a fresh draw, never overlapping the training stream.</summary>
    public int TestSeed => unchecked(Seed * 7_919 + 104_729);

    /// <summary>The validation set's seed: apart from the training stream, the test set and the real-data test set.</summary>
    public int ValidationSeed => unchecked(Seed * 7_919 + 15_485_863);

    /// <summary>The real-data test set's seed, apart from the training stream and the paper's test set.</summary>
    public int RealDataTestSeed => unchecked(Seed * 7_919 + 1_299_709);

    /// <summary>Every problem with this spec, each naming its setting (<see cref="RunSettings"/>); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = RunSettings.Problems(this).ToList();
        if (HyperParameters.BatchSize > TrainingExamples)
            problems.Add($"HyperParameters.BatchSize = {HyperParameters.BatchSize}: larger than TrainingExamples = {TrainingExamples}");
        return problems;
    }

    public TrainingSpec EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0) throw new ArgumentException("Invalid training spec: " + string.Join("; ", problems));
        return this;
    }
}
