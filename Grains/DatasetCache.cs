using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains;

/// <summary>
/// Generated data sets and program memories, shared by the grains of one process: the workers of a job that sit on
/// the same silo generate its training set (and search its programs) once. Both are functions of the spec
/// (<see cref="DataSets"/>), so every silo builds the same. Keeps the few most recently used.
/// </summary>
static class DatasetCache
{
    const int Capacity = 8;
    static readonly object Gate = new();
    static readonly LinkedList<(string Key, Lazy<object> Value)> Entries = new();

    public static IReadOnlyList<Example> Training(TrainingSpec spec) => Cached(TrainingKey(spec), () => DataSets.Training(spec));

    public static IReadOnlyList<Example> Test(TrainingSpec spec) =>
        Cached($"test|{spec.Variant}|{spec.TestExamples}|{spec.TestSeed}|{Categories(spec)}", () => DataSets.Test(spec));

    public static IReadOnlyList<Example> RealDataTest(TrainingSpec spec) =>
        Cached($"real|{spec.Variant}|{spec.TestExamples}|{spec.RealDataTestSeed}|{Categories(spec)}", () => DataSets.RealDataTest(spec));

    /// <summary>The program memory of a spec's training set (null when the spec does not use one).</summary>
    public static ProgramMemory? Memory(TrainingSpec spec, IReadOnlyList<Example> trainingSet) =>
        spec.HyperParameters.ProgramMemoryWeight > 0
            ? Cached($"memory|{TrainingKey(spec)}|{spec.HyperParameters.Steps}", () => Replica.CreateMemory(spec, trainingSet)!)
            : null;

    static string TrainingKey(TrainingSpec spec) =>
        $"train|{spec.Variant}|{spec.TrainingExamples}|{spec.Seed}|{Categories(spec)}|{spec.RealDataShare:R}";

    static string Categories(TrainingSpec spec) => spec.Categories is null ? "*" : string.Join(",", spec.Categories);

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
