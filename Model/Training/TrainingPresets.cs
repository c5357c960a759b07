using NeuralProgrammer.Model.Data;

namespace NeuralProgrammer.Model.Training;

/// <summary>Named starting points for <c>np train --preset</c>; every field can still be overridden.</summary>
public static class TrainingPresets
{
    /// <summary>
    /// Single column, aggregation and comparison questions only: what the model learns in minutes on a laptop
    /// (the CI training test's configuration).
    /// </summary>
    public static TrainingSpec Demo { get; } = new()
    {
        Variant = DatasetVariant.SingleColumn,
        Categories = [TemplateCategory.Aggregation, TemplateCategory.Comparison],
        TrainingExamples = 10_000,
        TestExamples = 1_000,
        Steps = 2_000,
        EvaluateEvery = 250,
        HyperParameters = HyperParameters.Default with { NoiseEta = 0, ClipNorm = 5 },
    };

    /// <summary>A variant at the paper's settings: 50,000 examples, batch 50, noise η = 1, γ = 0.55.</summary>
    public static TrainingSpec Paper(DatasetVariant variant) => new()
    {
        Variant = variant,
        TrainingExamples = 50_000,
        TestExamples = 2_000,
        Steps = 50_000,
        EvaluateEvery = 1_000,
        HyperParameters = HyperParameters.Default with { QuestionAttention = variant == DatasetVariant.Columns10, BidirectionalQuestion = variant.Facts().MaxColumns >= 5 },
    };

    public static IReadOnlyList<string> Names { get; } = ["demo", .. DatasetVariants.Names];

    public static TrainingSpec Get(string name) =>
        name.Trim().ToLowerInvariant() == "demo" ? Demo
        : DatasetVariants.TryParse(name, out var variant) ? Paper(variant)
        : throw new ArgumentException($"Unknown preset '{name}'. Valid presets: {string.Join(", ", Names)}.", nameof(name));
}
