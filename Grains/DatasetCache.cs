using System.Collections.Concurrent;
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

    public static IReadOnlyList<Example> Validation(TrainingSpec spec) =>
        Cached($"validation|{spec.Variant}|{spec.ValidationExamples}|{spec.ValidationSeed}|{Categories(spec)}", () => DataSets.Validation(spec));

    public static IReadOnlyList<Example> RealDataTest(TrainingSpec spec) =>
        Cached($"real|{spec.Variant}|{spec.TestExamples}|{spec.RealDataTestSeed}|{Categories(spec)}", () => DataSets.RealDataTest(spec));

    /// <summary>The program memory of a spec's training set (null when the spec does not use one).</summary>
    public static ProgramMemory? Memory(TrainingSpec spec, IReadOnlyList<Example> trainingSet)
    {
        if (spec.HyperParameters.ProgramMemoryWeight <= 0) return null;
        var key = MemoryKey(spec);
        return Cached(key, () =>
        {
            var search = Searches.GetOrAdd(key, _ => new SearchProgress());
            try { return Replica.CreateMemory(spec, trainingSet, search)!; }
            finally { Searches.TryRemove(key, out _); }
        });
    }

    /// <summary>
    /// The question groups searched of all while this process searches the spec's program memory, for the workers
    /// waiting on it (on one silo they share one search); null when no search is running.
    /// </summary>
    public static (int Searched, int Groups)? Search(TrainingSpec spec) =>
        Searches.TryGetValue(MemoryKey(spec), out var search) ? search.Current : null;

    static readonly ConcurrentDictionary<string, SearchProgress> Searches = new();

    static string MemoryKey(TrainingSpec spec) => $"memory|{TrainingKey(spec)}|{spec.HyperParameters.Steps}";

    static string TrainingKey(TrainingSpec spec) =>
        $"train|{spec.Variant}|{spec.TrainingExamples}|{spec.Seed}|{Categories(spec)}|{spec.RealDataShare:R}";

    static string Categories(TrainingSpec spec) => spec.Categories is null ? "*" : string.Join(",", spec.Categories);

    /// <summary>The furthest report so far: the searching threads report out of order.</summary>
    sealed class SearchProgress : IProgress<(int Searched, int Groups)>
    {
        readonly object gate = new();
        (int Searched, int Groups) current;

        public (int Searched, int Groups) Current { get { lock (gate) return current; } }

        public void Report((int Searched, int Groups) value)
        {
            lock (gate) current = (Math.Max(current.Searched, value.Searched), value.Groups);
        }
    }

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
