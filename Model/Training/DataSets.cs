using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// The data sets of a run, each a function of its spec, so that every process builds the same: the training set, the
/// paper's test set, the validation set that chooses the best checkpoint, and the real-data test set (docs/model.md 1.8c).
/// </summary>
public static class DataSets
{
    public static IReadOnlyList<Example> Training(TrainingSpec spec) =>
        SyntheticData.Generate(spec.Variant, spec.TrainingExamples, spec.Seed, DataSplit.Train, spec.Categories, spec.RealDataShare);

    /// <summary>The paper's test distribution, whatever the training mix: Table 2's figures stay comparable.</summary>
    public static IReadOnlyList<Example> Test(TrainingSpec spec) =>
        SyntheticData.Generate(spec.Variant, spec.TestExamples, spec.TestSeed, DataSplit.Test, spec.Categories);

    /// <summary>
    /// The test distribution again from a seed of its own (empty when the spec has no validation examples): choosing the
    /// best checkpoint on it leaves the test set untouched by the choice.
    /// </summary>
    public static IReadOnlyList<Example> Validation(TrainingSpec spec) => spec.ValidationExamples == 0 ? [] :
        SyntheticData.Generate(spec.Variant, spec.ValidationExamples, spec.ValidationSeed, DataSplit.Test, spec.Categories);

    /// <summary>Test tables (120 rows, every column) drawn like real data only: repeated values and ties at the pivots.</summary>
    public static IReadOnlyList<Example> RealDataTest(TrainingSpec spec) =>
        SyntheticData.Generate(spec.Variant, spec.TestExamples, spec.RealDataTestSeed, DataSplit.Test, spec.Categories, realDataShare: 1);
}
