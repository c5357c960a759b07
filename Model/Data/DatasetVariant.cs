namespace NeuralProgrammer.Model.Data;

/// <summary>The paper's eight synthetic datasets (Table 2; docs/model.md 1.8, 1.9).</summary>
public enum DatasetVariant
{
    SingleColumn,
    Columns3,
    Columns5,
    Columns10,
    WordVariability1,
    WordVariability5,
    TextMatch2,
    TextMatch5,
}

/// <summary>The command-line names of <see cref="DatasetVariant"/>, the facts that define each variant and the paper's accuracy on it.</summary>
public static class DatasetVariants
{
    private static readonly (DatasetVariant Variant, string Name, VariantFacts Facts, double PaperAccuracy)[] Entries =
    [
        (DatasetVariant.SingleColumn, "single-column", new(MaxNumericColumns: 1, MaxTextColumns: 0, WordVariability: false), PaperAccuracy: 100.0),
        (DatasetVariant.Columns3, "3-columns", new(3, 0, false), 99.02),
        (DatasetVariant.Columns5, "5-columns", new(5, 0, false), 99.11),
        (DatasetVariant.Columns10, "10-columns", new(10, 0, false), 99.13),
        (DatasetVariant.WordVariability1, "word-variability-1", new(1, 0, true), 96.49),
        (DatasetVariant.WordVariability5, "word-variability-5", new(5, 0, true), 88.99),
        (DatasetVariant.TextMatch2, "text-match-2", new(1, 1, false), 99.11),
        (DatasetVariant.TextMatch5, "text-match-5", new(3, 2, false), 98.03),
    ];

    public static IReadOnlyList<DatasetVariant> All { get; } = Entries.Select(entry => entry.Variant).ToArray();

    public static IReadOnlyList<string> Names { get; } = Entries.Select(entry => entry.Name).ToArray();

    public static string Name(this DatasetVariant variant) => Entry(variant).Name;

    public static VariantFacts Facts(this DatasetVariant variant) => Entry(variant).Facts;

    /// <summary>The paper's test accuracy in percent (Table 2; docs/model.md 1.9).</summary>
    public static double PaperAccuracy(this DatasetVariant variant) => Entry(variant).PaperAccuracy;

    /// <summary>Parses a command-line name such as <c>5-columns</c> (case and surrounding spaces ignored).</summary>
    /// <exception cref="ArgumentException">The name is none of <see cref="Names"/>.</exception>
    public static DatasetVariant Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name, out var variant)
            ? variant
            : throw new ArgumentException(
                $"Unknown dataset variant '{name}'. Valid variants: {string.Join(", ", Names)}.", nameof(name));
    }

    public static bool TryParse(string? name, out DatasetVariant variant)
    {
        foreach (var entry in Entries)
            if (string.Equals(entry.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                variant = entry.Variant;
                return true;
            }
        variant = default;
        return false;
    }

    private static (DatasetVariant Variant, string Name, VariantFacts Facts, double PaperAccuracy) Entry(DatasetVariant variant) =>
        Entries.Single(entry => entry.Variant == variant);
}
