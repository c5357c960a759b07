using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Programs;

namespace NeuralProgrammer.Tests.Programs;

/// <summary>The search against a plain one: the same programs in the same order, however it prunes and stores them.</summary>
public class ProgramSearchTests
{
    /// <summary>
    /// Groups of every kind the memory searches — one and two pivots, logic questions over many columns, text match,
    /// lookups — on tables drawn like real data half the time, with their tied copies, as <see cref="ProgramMemory"/> does.
    /// </summary>
    [Theory]
    [InlineData(DatasetVariant.SingleColumn, 24)]
    [InlineData(DatasetVariant.Columns5, 40)]
    [InlineData(DatasetVariant.Columns10, 24)]
    [InlineData(DatasetVariant.TextMatch5, 40)]
    public void FindsWhatAPlainSearchFinds(DatasetVariant variant, int groups)
    {
        var operations = Operations.For(variant.Facts().MaxTextColumns > 0);
        var examples = SyntheticData.Generate(variant, 4_000, 7, DataSplit.Train, realDataShare: 0.5);
        int programs = 0;
        foreach (var group in examples.GroupBy(e => ProgramMemory.Key(e.Question)).Take(groups))
        {
            var searched = group.Take(1 + ProgramMemory.Verifications).ToList();
            var executions = searched.Concat(searched.Select(RealDataTables.WithTiesAtPivots).OfType<Example>()).Select(e => new ProgramExecution(e)).ToList();
            var expected = PlainSearch(executions, operations, 4, ProgramMemory.Size).Select(p => p.ToString()).ToList();
            Assert.Equal(expected, ProgramSearch.Find(executions, operations, 4, ProgramMemory.Size).Select(p => p.ToString()));
            programs += expected.Count;
        }
        Assert.True(programs >= groups, $"only {programs} programs in {groups} groups: the comparison would be weak");
    }

    /// <summary>
    /// The search as first written: every state of every layer kept with copies of its cheapest prefixes, every
    /// candidate checked in full.
    /// </summary>
    static List<HardProgram> PlainSearch(IReadOnlyList<ProgramExecution> examples, IReadOnlyList<Operation> operations, int steps, int limit)
    {
        var execution = examples[0];
        var names = execution.Example.Table.Columns.Select(c => c.Name).ToList();
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
