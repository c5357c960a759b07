using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Model.Training;

/// <summary>One step of an induced program: the operation, its column when it takes one, and its pivot for comparisons.</summary>
public sealed record ProgramStep(Operation Operation, string? Column, double? Pivot)
{
    public override string ToString() =>
        string.Join(' ', new[] { Operation.DisplayName(), Pivot is { } p ? Data.Question.FormatNumber(p) : null, Column }.Where(s => s is not null));
}

/// <summary>The (operation, column) chosen by argmax at each of the T steps (docs/model.md 1.6).</summary>
public sealed record InducedProgram(IReadOnlyList<ProgramStep> Steps)
{
    public Operation Final => Steps[^1].Operation;
    public override string ToString() => string.Join(" → ", Steps);
}
