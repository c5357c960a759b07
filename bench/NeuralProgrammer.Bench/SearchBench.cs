using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Programs;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Bench;

/// <summary>
/// <c>bench --search</c>: builds the program memory of each <c>&lt;variant&gt;-memory</c> preset's training set from
/// scratch and prints its coverage, wall and processor time (all threads; on a shared machine the steadier figure) and a fingerprint of what it holds (every group's key and its programs'
/// text in order), so that a faster search can be shown to build the same memory, not just one as large.
/// </summary>
static class SearchBench
{
    public static void Run(IReadOnlyList<DatasetVariant> variants)
    {
        Console.WriteLine($"{"variant",-14} {"examples",9} {"groups",7} {"covered",8} {"ex covered",11} {"ex %",7} {"seconds",8} {"cpu s",7}  fingerprint");
        foreach (var variant in variants)
        {
            var spec = TrainingPresets.WithMemory(variant);
            var trainingSet = DataSets.Training(spec);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var memory = Replica.CreateMemory(spec, trainingSet)!;
            double seconds = clock.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"{variant.Name(),-14} {memory.Examples,9} {memory.Questions,7} {memory.QuestionsCovered,8} {memory.ExamplesCovered,11} " +
                              $"{100.0 * memory.ExamplesCovered / memory.Examples,7:F2} {seconds,8:F2} {cpu.TotalSeconds,7:F2}  {Fingerprint(memory, trainingSet)}");
        }
    }

    /// <summary>A hash of every group's key and its programs as the search found them (on the group's first example), in order.</summary>
    static string Fingerprint(ProgramMemory memory, IReadOnlyList<Example> trainingSet)
    {
        var text = new StringBuilder();
        foreach (var first in trainingSet.Where(ProgramExecution.CanRun).GroupBy(e => ProgramMemory.Key(e.Question)).Select(g => g.First()))
        {
            text.Append(ProgramMemory.Key(first.Question)).Append('\n');
            foreach (var program in memory.For(first)) text.Append('\t').Append(program).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
