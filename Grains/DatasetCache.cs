using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains;

/// <summary>
/// Generated data sets, shared by the grains of one process: the workers of a job that sit on the same silo generate
/// its training set once. Data is a function of (variant, count, seed, split, categories), so every silo generates the
/// same examples. Keeps the few most recently used sets.
/// </summary>
static class DatasetCache
{
    const int Capacity = 8;
    static readonly object Gate = new();
    static readonly LinkedList<(string Key, Lazy<IReadOnlyList<Example>> Data)> Entries = new();

    public static IReadOnlyList<Example> Training(TrainingSpec spec) =>
        Get(spec.Variant, spec.TrainingExamples, spec.Seed, DataSplit.Train, spec.Categories);

    public static IReadOnlyList<Example> Test(TrainingSpec spec) =>
        Get(spec.Variant, spec.TestExamples, spec.TestSeed, DataSplit.Test, spec.Categories);

    static IReadOnlyList<Example> Get(DatasetVariant variant, int count, int seed, DataSplit split, IReadOnlyList<TemplateCategory>? categories)
    {
        var key = $"{variant}|{count}|{seed}|{split}|{(categories is null ? "*" : string.Join(",", categories))}";
        Lazy<IReadOnlyList<Example>> data;
        lock (Gate)
        {
            var node = Entries.First;
            while (node is not null && node.Value.Key != key) node = node.Next;
            if (node is null)
            {
                node = new LinkedListNode<(string, Lazy<IReadOnlyList<Example>>)>(
                    (key, new Lazy<IReadOnlyList<Example>>(() => SyntheticData.Generate(variant, count, seed, split, categories))));
                if (Entries.Count >= Capacity) Entries.RemoveLast();
            }
            else Entries.Remove(node);
            Entries.AddFirst(node);
            data = node.Value.Data;
        }
        return data.Value;
    }
}
