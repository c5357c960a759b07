namespace NeuralProgrammer.Model.Network;

/// <summary>The built-in operations of docs/model.md 1.3 (the paper's Table 1), in the order of the rows of U.</summary>
public enum Operation { Sum, Count, Difference, Greater, Lesser, And, Or, Assign, Reset, TextMatch }

public static class Operations
{
    /// <summary>The operations of the numeric variants: everything but text match.</summary>
    public static readonly IReadOnlyList<Operation> Numeric = Enum.GetValues<Operation>().Where(o => o != Operation.TextMatch).ToArray();

    public static readonly IReadOnlyList<Operation> WithTextMatch = Enum.GetValues<Operation>();

    public static IReadOnlyList<Operation> For(bool textMatch) => textMatch ? WithTextMatch : Numeric;

    /// <summary>Whether the step's column selection is part of what the operation does (shown in induced programs).</summary>
    public static bool TakesColumn(this Operation operation) =>
        operation is Operation.Sum or Operation.Greater or Operation.Lesser or Operation.Assign or Operation.TextMatch;

    /// <summary>At the last step, these operations answer with a scalar; <see cref="Operation.Assign"/> with a lookup.</summary>
    public static bool AnswersScalar(this Operation operation) =>
        operation is Operation.Sum or Operation.Count or Operation.Difference;

    public static string DisplayName(this Operation operation) => operation switch
    {
        Operation.Assign => "print",
        Operation.TextMatch => "text-match",
        _ => operation.ToString().ToLowerInvariant(),
    };
}
