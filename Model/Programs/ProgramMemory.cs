using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Model.Programs;

/// <summary>
/// A memory of programs that answer right (a training aid in the spirit of MAPO, Liang et al. 2018; docs/model.md 1.8b),
/// built from the training set alone before training: the training examples are grouped by their question's words
/// and number positions; <see cref="ProgramSearch"/> keeps the programs that answer a group's first few examples
/// (which rules out coincidences of one table) and the same examples with ties at their pivots
/// (<see cref="RealDataTables.WithTiesAtPivots"/>, which rules out programs that count a tie on the wrong side). Built
/// the same way from the same data, it is the same on every worker.
/// </summary>
public sealed class ProgramMemory
{
    /// <summary>Programs kept per question (K of the memory loss).</summary>
    public const int Size = 8;
    /// <summary>Further examples of a group every kept program must also answer.</summary>
    public const int Verifications = 8;

    readonly Dictionary<string, IReadOnlyList<HardProgram>> programs;

    ProgramMemory(IReadOnlyList<Operation> operations, Dictionary<string, IReadOnlyList<HardProgram>> programs, int examplesCovered, int examples)
    {
        Operations = operations;
        this.programs = programs;
        ExamplesCovered = examplesCovered;
        Examples = examples;
    }

    public IReadOnlyList<Operation> Operations { get; }
    public int Questions => programs.Count;
    public int QuestionsCovered => programs.Values.Count(p => p.Count > 0);
    public int Examples { get; }
    public int ExamplesCovered { get; }

    /// <summary>The key questions are grouped by: their words and where their numbers stand, not the numbers' values.</summary>
    public static string Key(Question question) => string.Join(' ', question.Words) + "|" + string.Join(',', question.NumberPositions);

    /// <summary>The remembered programs of the example's question, on the example's columns.</summary>
    public IReadOnlyList<HardProgram> For(Example example) =>
        programs.TryGetValue(Key(example.Question), out var found) ? found.Select(p => p.For(example.Table)).OfType<HardProgram>().ToList() : [];

    /// <param name="progress">Told the groups searched of all, from the searching threads, as each group is done.</param>
    public static ProgramMemory Build(IReadOnlyList<Example> examples, IReadOnlyList<Operation> operations, int steps, IProgress<(int Searched, int Groups)>? progress = null)
    {
        var groups = examples.Where(ProgramExecution.CanRun).GroupBy(e => Key(e.Question)).ToList();
        var found = new IReadOnlyList<HardProgram>[groups.Count];
        int searched = 0;
        progress?.Report((0, groups.Count));
        Parallel.For(0, groups.Count, g =>
        {
            var examples = groups[g].Take(1 + Verifications).ToList();
            var tied = examples.Select(RealDataTables.WithTiesAtPivots).OfType<Example>();
            found[g] = ProgramSearch.Find(examples.Concat(tied).Select(e => new ProgramExecution(e)).ToList(), operations, steps, Size);
            progress?.Report((Interlocked.Increment(ref searched), groups.Count));
        });
        var memory = new Dictionary<string, IReadOnlyList<HardProgram>>();
        int covered = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            memory[groups[g].Key] = found[g];
            if (found[g].Count > 0) covered += groups[g].Count();
        }
        return new ProgramMemory(operations, memory, covered, examples.Count);
    }

    public override string ToString() =>
        $"program memory: {QuestionsCovered:N0} of {Questions:N0} questions, {ExamplesCovered:N0} of {Examples:N0} training examples have a program";
}
