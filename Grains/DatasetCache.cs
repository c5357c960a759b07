using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains;

/// <summary>
/// Generated data sets and program memories, shared by the grains of one process: the workers of a job that sit on
/// the same silo generate its training set (and search its programs) once. Both are functions of (variant, count,
/// seed, split, categories), so every silo builds the same. Keeps the few most recently used.
/// </summary>
static class DatasetCache
{
    const int Capacity = 8;
    static readonly object Gate = new();
    static readonly LinkedList<(string Key, Lazy<object> Value)> Entries = new();

    public static IReadOnlyList<Example> Training(TrainingSpec spec) =>
        Get(spec.Variant, spec.TrainingExamples, spec.Seed, DataSplit.Train, spec.Categories);

    public static IReadOnlyList<Example> Test(TrainingSpec spec) =>
        Get(spec.Variant, spec.TestExamples, spec.TestSeed, DataSplit.Test, spec.Categories);

    /// <summary>The program memory of a spec's training set (null when the spec does not use one).</summary>
    public static ProgramMemory? Memory(TrainingSpec spec, IReadOnlyList<Example> trainingSet) =>
        spec.HyperParameters.ProgramMemoryWeight > 0
            ? Cached($"memory|{Key(spec.Variant, spec.TrainingExamples, spec.Seed, DataSplit.Train, spec.Categories)}|{spec.HyperParameters.Steps}",
                () => Replica.CreateMemory(spec, trainingSet)!)
            : null;

    static IReadOnlyList<Example> Get(DatasetVariant variant, int count, int seed, DataSplit split, IReadOnlyList<TemplateCategory>? categories) =>
        Cached(Key(variant, count, seed, split, categories), () => SyntheticData.Generate(variant, count, seed, split, categories));

    static string Key(DatasetVariant variant, int count, int seed, DataSplit split, IReadOnlyList<TemplateCategory>? categories) =>
        $"{variant}|{count}|{seed}|{split}|{(categories is null ? "*" : string.Join(",", categories))}";

    static T Cached<T>(string key, Func<T> create) where T : class
    {
        Lazy<object> value;
        lock (Gate)
        {
            var node = Entries.First;
            while (node is not null && node.Value.Key != key) node = node.Next;
            if (node is null)
            {
                node = new LinkedListNode<(string, Lazy<object>)>((key, new Lazy<object>(create)));
                if (Entries.Count >= Capacity) Entries.RemoveLast();
            }
            else Entries.Remove(node);
            Entries.AddFirst(node);
            value = node.Value.Value;
        }
        return (T)value.Value;
    }
}
