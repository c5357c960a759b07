using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// A minibatch's remembered programs as tensors, K = <see cref="ProgramMemory.Size"/> slots per example:
/// operations [B, K, T] (indices into the network's operations), columns [B, K, T] (−1 for operations that take none),
/// pivots [B, K, 2] (the greater and lesser number, −1 when unused) and a mask [B, K] of the filled slots.
/// </summary>
public sealed class ProgramTargets : IDisposable
{
    public required Tensor Operations { get; init; }
    public required Tensor Columns { get; init; }
    public required Tensor Pivots { get; init; }
    public required Tensor Mask { get; init; }

    /// <summary>The memory's programs for each example, in <see cref="ProgramMemory.Size"/> slots.</summary>
    public static ProgramTargets Encode(IReadOnlyList<Example> examples, ProgramMemory memory, int steps, Device device) =>
        Encode(examples.Select(memory.For).ToList(), memory.Operations, ProgramMemory.Size, steps, device);

    /// <summary>Given programs per example in <paramref name="slots"/> slots, operations numbered as the network's.</summary>
    public static ProgramTargets Encode(IReadOnlyList<IReadOnlyList<HardProgram>> programsPerExample, IReadOnlyList<Operation> operationOrder,
        int slots, int steps, Device device)
    {
        int b = programsPerExample.Count, k = slots;
        var operations = new long[b * k * steps];
        var columns = new long[b * k * steps];
        var pivots = new long[b * k * 2];
        var mask = new bool[b * k];
        Array.Fill(columns, -1);
        Array.Fill(pivots, -1);
        for (int i = 0; i < b; i++)
        {
            var programs = programsPerExample[i];
            if (programs.Count > k) throw new ArgumentException($"Example {i} has {programs.Count} programs for {k} slots.", nameof(programsPerExample));
            for (int p = 0; p < programs.Count; p++)
            {
                var program = programs[p];
                if (program.Steps.Count != steps)
                    throw new ArgumentException($"A program has {program.Steps.Count} steps; the network runs {steps}.", nameof(steps));
                int slot = i * k + p;
                mask[slot] = true;
                pivots[slot * 2] = program.GreaterPivot;
                pivots[slot * 2 + 1] = program.LesserPivot;
                for (int s = 0; s < steps; s++)
                {
                    var operation = program.Steps[s].Operation;
                    int index = operationOrder.ToList().IndexOf(operation);
                    if (index < 0) throw new ArgumentException($"The network has no {operation.DisplayName()} operation.", nameof(operationOrder));
                    operations[slot * steps + s] = index;
                    columns[slot * steps + s] = program.Steps[s].Column;
                }
            }
        }
        return new ProgramTargets
        {
            Operations = tensor(operations, [b, k, steps], device: device),
            Columns = tensor(columns, [b, k, steps], device: device),
            Pivots = tensor(pivots, [b, k, 2], device: device),
            Mask = tensor(mask, [b, k], device: device),
        };
    }

    public void Dispose()
    {
        Operations.Dispose();
        Columns.Dispose();
        Pivots.Dispose();
        Mask.Dispose();
    }
}
