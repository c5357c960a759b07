using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// Finds the hard programs of T steps that answer one example right, searching from the answer alone (weak
/// supervision, as the paper trains). The search runs on denotations: prefixes that leave the same state (scalars,
/// row selections, pivots) continue alike, so each state keeps only its cheapest few prefixes; the last step is
/// limited to the moves that give an answer of the example's kind, and programs with idle moves are left out.
/// </summary>
public static class ProgramSearch
{
    /// <summary>
    /// Up to <paramref name="limit"/> programs that answer every one of <paramref name="examples"/> right (searched on
    /// the first, checked on the rest, which rules out one table's coincidences), fewest non-reset moves first, in a
    /// fixed order.
    /// </summary>
    public static IReadOnlyList<HardProgram> Find(IReadOnlyList<ProgramExecution> examples, IReadOnlyList<Operation> operations, int steps, int limit)
    {
        var execution = examples[0];
        var names = execution.Example.Table.Columns.Select(c => c.Name).ToList();
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var moves = execution.Moves(operations);
        var layer = new Dictionary<ProgramExecution.State, List<ProgramMove[]>> { [execution.Initial] = [[]] };
        for (int depth = 1; depth < steps; depth++)
        {
            var next = new Dictionary<ProgramExecution.State, List<ProgramMove[]>>();
            foreach (var (state, prefixes) in layer)
                foreach (var move in moves)
                {
                    if (execution.Apply(state, move) is not { } after) continue;
                    if (!next.TryGetValue(after, out var kept)) next[after] = kept = [];
                    foreach (var prefix in prefixes) Keep(kept, [.. prefix, move], limit);
                }
            layer = next;
        }

        var found = new List<ProgramMove[]>();
        var answering = moves.Where(m => m.Operation.AnswersScalar() || m.Operation == Operation.Assign).ToList();
        foreach (var (state, prefixes) in layer)
            foreach (var move in answering)
                if (execution.Answers(state, move))
                    foreach (var prefix in prefixes)
                    {
                        ProgramMove[] program = [.. prefix, move];
                        if (HardProgram.IsMinimal(program) && examples.Skip(1).All(e => new HardProgram(program, names).For(e.Example.Table) is { } there && e.Answers(there))) Keep(found, program, limit);
                    }
        return found.Select(p => new HardProgram(p, names)).ToList();
    }

    /// <summary>Inserts by cost after the programs of equal cost, keeping at most <paramref name="limit"/>.</summary>
    static void Keep(List<ProgramMove[]> kept, ProgramMove[] program, int limit)
    {
        int cost = HardProgram.CostOf(program);
        if (kept.Count == limit && HardProgram.CostOf(kept[^1]) <= cost) return;
        int at = kept.Count;
        while (at > 0 && HardProgram.CostOf(kept[at - 1]) > cost) at--;
        kept.Insert(at, program);
        if (kept.Count > limit) kept.RemoveAt(kept.Count - 1);
    }
}
