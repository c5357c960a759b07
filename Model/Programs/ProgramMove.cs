using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// One step of a hard program: an operation, its column (−1 for the operations that take none) and, for greater and
/// lesser, which of the question's numbers is the pivot (−1 otherwise).
/// </summary>
public readonly record struct ProgramMove(Operation Operation, int Column = -1, int Pivot = -1);

/// <summary>
/// A program of T hard moves, as the argmax selector would emit it (docs/model.md 1.6). Greater and lesser each have one
/// pivot per question (β is computed once, 1.2), so every greater move of a program names the same number, as does
/// every lesser move. Columns are indices into the table whose column names are <paramref name="ColumnNames"/>;
/// <see cref="For"/> carries the program to another table by name (tables of one question differ in their columns).
/// </summary>
public sealed record HardProgram(IReadOnlyList<ProgramMove> Steps, IReadOnlyList<string> ColumnNames)
{
    /// <summary>The same program on a table's columns, or null when it uses a column the table lacks.</summary>
    public HardProgram? For(Data.Table table)
    {
        var names = table.Columns.Select(c => c.Name).ToList();
        if (names.SequenceEqual(ColumnNames)) return this;
        var steps = new ProgramMove[Steps.Count];
        for (int s = 0; s < steps.Length; s++)
        {
            var step = Steps[s];
            int column = step.Column < 0 ? -1 : names.IndexOf(ColumnNames[step.Column]);
            if (step.Column >= 0 && column < 0) return null;
            steps[s] = step with { Column = column };
        }
        return new HardProgram(steps, names);
    }

    /// <summary>Moves that do something other than reset: the ranking by which simpler programs are preferred.</summary>
    public int Cost => CostOf(Steps);

    /// <summary>
    /// Whether every move other than reset feeds the answer: sum, count and assign read the previous step's rows,
    /// and/or the previous two steps' rows, difference the scalars of one and three steps back (docs/model.md 1.3).
    /// A program with an idle move is a copy of a cheaper one with reset in its place, so the search skips it.
    /// </summary>
    public static bool IsMinimal(IReadOnlyList<ProgramMove> steps)
    {
        var live = new bool[steps.Count];
        live[^1] = true;
        void Use(int step)
        {
            if (step >= 0) live[step] = true;
        }
        for (int t = steps.Count - 1; t >= 0; t--)
        {
            if (!live[t]) continue;
            switch (steps[t].Operation)
            {
                case Operation.Sum or Operation.Count or Operation.Assign: Use(t - 1); break;
                case Operation.And or Operation.Or: Use(t - 1); Use(t - 2); break;
                case Operation.Difference: Use(t - 1); Use(t - 3); break;
            }
        }
        for (int t = 0; t < steps.Count; t++)
            if (!live[t] && steps[t].Operation != Operation.Reset) return false;
        return true;
    }

    public static int CostOf(IReadOnlyList<ProgramMove> steps)
    {
        int cost = 0;
        foreach (var step in steps)
            if (step.Operation != Operation.Reset) cost++;
        return cost;
    }

    public int GreaterPivot => PivotOf(Operation.Greater);
    public int LesserPivot => PivotOf(Operation.Lesser);

    int PivotOf(Operation operation)
    {
        foreach (var step in Steps)
            if (step.Operation == operation) return step.Pivot;
        return -1;
    }

    public override string ToString() => string.Join(" → ", Steps.Select(s =>
        s.Operation.DisplayName() + (s.Pivot >= 0 ? $" n{s.Pivot + 1}" : "") + (s.Column >= 0 ? $" {ColumnNames[s.Column]}" : "")));
}
