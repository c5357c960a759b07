using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// A minibatch's remembered programs as index tensors for <see cref="NeuralProgrammerNetwork.ProgramLogLikelihood"/>.
/// B examples with K slots each; S filled slots, each one (example, program). The history RNN's state at step t
/// depends only on the program's first t moves, so programs that share a prefix share its row: step t runs the
/// selector once per distinct prefix of length t (U_t rows), not once per program.
/// </summary>
public sealed class ProgramTargets : IDisposable
{
    /// <summary>[B, K] the filled slots.</summary>
    public required Tensor Mask { get; init; }
    /// <summary>[S] the filled slots' flat indices b·K + k.</summary>
    public required Tensor Slots { get; init; }
    /// <summary>[S] each filled slot's example.</summary>
    public required Tensor SlotExamples { get; init; }
    /// <summary>[S, T] each slot's operation (index into the network's operations) at every step.</summary>
    public required Tensor Operations { get; init; }
    /// <summary>[S, T] each slot's column at every step, −1 for operations that take none.</summary>
    public required Tensor Columns { get; init; }
    /// <summary>[S, 2] the greater and lesser pivot (index of the question number), −1 when unused.</summary>
    public required Tensor Pivots { get; init; }
    /// <summary>Per step t: [S] the row (distinct prefix of length t) each slot is at.</summary>
    public required IReadOnlyList<Tensor> SlotRows { get; init; }
    /// <summary>Per step t: [U_t] each row's example.</summary>
    public required IReadOnlyList<Tensor> RowExamples { get; init; }
    /// <summary>Per step t ≥ 1: [U_t] each row's parent row at step t − 1 (entry 0 is unused).</summary>
    public required IReadOnlyList<Tensor> RowParents { get; init; }
    /// <summary>Per step t ≥ 1: [U_t] the operation of each row's last move (entry 0 is unused).</summary>
    public required IReadOnlyList<Tensor> RowOperations { get; init; }
    /// <summary>Per step t ≥ 1: [U_t] the column of each row's last move, −1 for none (entry 0 is unused).</summary>
    public required IReadOnlyList<Tensor> RowColumns { get; init; }

    public int Slotted => (int)Slots.shape[0];
    public int SlotsPerExample => (int)Mask.shape[1];

    /// <summary>The memory's programs for each example, in <see cref="ProgramMemory.Size"/> slots.</summary>
    public static ProgramTargets Encode(IReadOnlyList<Example> examples, ProgramMemory memory, int steps, Device device) =>
        Encode(examples.Select(memory.For).ToList(), memory.Operations, ProgramMemory.Size, steps, device);

    /// <summary>Given programs per example in <paramref name="slots"/> slots, operations numbered as the network's.</summary>
    public static ProgramTargets Encode(IReadOnlyList<IReadOnlyList<HardProgram>> programsPerExample, IReadOnlyList<Operation> operationOrder,
        int slots, int steps, Device device)
    {
        int b = programsPerExample.Count, k = slots;
        var operationIndex = operationOrder.Select((operation, index) => (operation, index)).ToDictionary(p => p.operation, p => p.index);
        var mask = new bool[b * k];
        var (slotIndex, slotExample, operations, columns, pivots) = (new List<long>(), new List<long>(), new List<long>(), new List<long>(), new List<long>());
        for (int i = 0; i < b; i++)
        {
            var programs = programsPerExample[i];
            if (programs.Count > k) throw new ArgumentException($"Example {i} has {programs.Count} programs for {k} slots.", nameof(programsPerExample));
            for (int p = 0; p < programs.Count; p++)
            {
                var program = programs[p];
                if (program.Steps.Count != steps)
                    throw new ArgumentException($"A program has {program.Steps.Count} steps; the network runs {steps}.", nameof(steps));
                mask[i * k + p] = true;
                slotIndex.Add(i * k + p);
                slotExample.Add(i);
                pivots.AddRange([program.GreaterPivot, program.LesserPivot]);
                foreach (var step in program.Steps)
                {
                    if (!operationIndex.TryGetValue(step.Operation, out int index)) throw new ArgumentException($"The network has no {step.Operation.DisplayName()} operation.", nameof(operationOrder));
                    operations.Add(index);
                    columns.Add(step.Column);
                }
            }
        }

        // Distinct prefixes, step by step: a row of step t is (its parent row at t − 1, the move made at t − 1).
        int s = slotIndex.Count;
        var slotRows = new List<long[]>();
        var (rowExamples, rowParents, rowOperations, rowColumns) = (new List<long[]>(), new List<long[]>(), new List<long[]>(), new List<long[]>());
        var firstRows = new Dictionary<long, long>();
        var atStart = slotExample.Select(e => firstRows.TryGetValue(e, out var row) ? row : firstRows[e] = firstRows.Count).ToArray();
        slotRows.Add(atStart);
        rowExamples.Add(firstRows.Keys.ToArray());
        rowParents.Add([0]);
        rowOperations.Add([0]);
        rowColumns.Add([0]);
        for (int t = 1; t < steps; t++)
        {
            var rows = new Dictionary<(long Parent, long Operation, long Column), long>();
            var (examples, parents, moveOperations, moveColumns) = (new List<long>(), new List<long>(), new List<long>(), new List<long>());
            var at = new long[s];
            for (int j = 0; j < s; j++)
            {
                var key = (slotRows[t - 1][j], operations[j * steps + t - 1], columns[j * steps + t - 1]);
                if (!rows.TryGetValue(key, out var row))
                {
                    rows[key] = row = rows.Count;
                    examples.Add(slotExample[j]);
                    parents.Add(key.Item1);
                    moveOperations.Add(key.Item2);
                    moveColumns.Add(key.Item3);
                }
                at[j] = row;
            }
            slotRows.Add(at);
            rowExamples.Add([.. examples]);
            rowParents.Add([.. parents]);
            rowOperations.Add([.. moveOperations]);
            rowColumns.Add([.. moveColumns]);
        }

        Tensor Index(IReadOnlyCollection<long> values) => tensor(values.ToArray(), [values.Count], device: device);
        return new ProgramTargets
        {
            Mask = tensor(mask, [b, k], device: device),
            Slots = Index(slotIndex),
            SlotExamples = Index(slotExample),
            Operations = tensor(operations.ToArray(), [s, steps], device: device),
            Columns = tensor(columns.ToArray(), [s, steps], device: device),
            Pivots = tensor(pivots.ToArray(), [s, 2], device: device),
            SlotRows = slotRows.Select(Index).ToList(),
            RowExamples = rowExamples.Select(Index).ToList(),
            RowParents = rowParents.Select(Index).ToList(),
            RowOperations = rowOperations.Select(Index).ToList(),
            RowColumns = rowColumns.Select(Index).ToList(),
        };
    }

    public void Dispose()
    {
        foreach (var tensor in new[] { Mask, Slots, SlotExamples, Operations, Columns, Pivots }
                     .Concat(SlotRows).Concat(RowExamples).Concat(RowParents).Concat(RowOperations).Concat(RowColumns))
            tensor.Dispose();
    }
}
