using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// Finds the hard programs of T steps that answer one example right, searching from the answer alone (weak
/// supervision, as the paper trains). The search runs on denotations: prefixes that leave the same state (scalars,
/// row selections, pivots) continue alike, so each state keeps only its cheapest few prefixes; the last layer keeps
/// only the states some answering move answers right from (<see cref="LastMoveCheck"/>), the last step is limited to
/// the moves that give an answer of the example's kind, and programs with idle moves are left out. A candidate is
/// checked on the other examples only when it would rank among those kept.
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
        var answering = moves.Where(m => m.Operation.AnswersScalar() || m.Operation == Operation.Assign).ToList();
        var lastMove = new LastMoveCheck(execution, moves, answering);

        var reusable = reused ??= [];
        while (reusable.Count < steps + 1) reusable.Add(new SearchLayer());
        var layers = new List<SearchLayer> { reusable[0].Start(execution.Initial, limit) };
        for (int depth = 1; depth < steps; depth++)
        {
            var layer = layers[^1];
            bool lastLayer = depth == steps - 1;
            var next = reusable[depth].Clear(limit);
            for (int state = 0; state < layer.Count; state++)
            {
                if (lastLayer) lastMove.From(layer[state]);
                for (int m = 0; m < moves.Count; m++)
                {
                    if (lastLayer && !lastMove.MayAnswer(m) || execution.Apply(layer[state], moves[m]) is not { } after || lastLayer && !lastMove.Answers(after, m)) continue;
                    int reached = next.Reach(after), added = moves[m].Operation == Operation.Reset ? 0 : 1;
                    for (int k = 0; k < layer.PrefixCount(state); k++)
                    {
                        int parent = layer.PrefixIndex(state, k);
                        next.Keep(reached, new(parent, m, layer.PrefixAt(parent).Cost + added));
                    }
                }
            }
            layers.Add(next);
        }

        // The programs found, ranked as the prefixes of one state are, each named by its index in programs.
        var found = reusable[steps].Clear(limit);
        found.Reach(execution.Initial);
        var programs = new List<ProgramMove[]>();
        var last = layers[^1];
        for (int state = 0; state < last.Count; state++)
            foreach (var move in answering)
            {
                if (!execution.Answers(last[state], move)) continue;
                for (int k = 0; k < last.PrefixCount(state); k++)
                {
                    int index = last.PrefixIndex(state, k), cost = last.PrefixAt(index).Cost + 1;
                    if (found.Full(0, cost)) continue;
                    var program = Moves(layers, index, move, moves);
                    if (HardProgram.IsMinimal(program) && examples.Skip(1).All(e => new HardProgram(program, names).For(e.Example.Table) is { } there && e.Answers(there)))
                    {
                        found.Keep(0, new(programs.Count, -1, cost));
                        programs.Add(program);
                    }
                }
            }
        return Enumerable.Range(0, found.PrefixCount(0)).Select(k => new HardProgram(programs[found.PrefixAt(found.PrefixIndex(0, k)).Parent], names)).ToList();
    }

    /// <summary>The layers of this thread's searches, reused from one search to the next (<see cref="SearchLayer.Clear"/>).</summary>
    [ThreadStatic] static List<SearchLayer>? reused;

    /// <summary>The moves of the last layer's prefix at <paramref name="index"/>, then <paramref name="last"/>.</summary>
    static ProgramMove[] Moves(List<SearchLayer> layers, int index, ProgramMove last, IReadOnlyList<ProgramMove> moves)
    {
        var program = new ProgramMove[layers.Count];
        program[^1] = last;
        for (int depth = layers.Count - 1; depth > 0; depth--)
        {
            var prefix = layers[depth].PrefixAt(index);
            program[depth - 1] = moves[prefix.Move];
            index = prefix.Parent;
        }
        return program;
    }
}
