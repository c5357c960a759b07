using System.Diagnostics;
using System.Runtime.InteropServices;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

// Prints training and inference throughput of the model for batch 1, 50 and 500 on the single-column and 5-column
// variants, with a per-phase split of a training step and the resident memory.
// Usage: bench [--threads N] [--seconds S] [--variants single-column,5-columns] [--batches 1,50,500] [--memory W]
// (--memory: train with the program memory's loss at weight W; the memory is built before timing starts)
//        bench --search [--variants ...]: the program memory's search per <variant>-memory preset instead (SearchBench)
int threads = ArgValue("--threads", Environment.ProcessorCount);
double seconds = ArgValue("--seconds", 3.0);
var variants = ArgText("--variants", "single-column,5-columns").Split(',').Select(DatasetVariants.Parse).ToArray();
var batches = ArgText("--batches", "1,50,500").Split(',').Select(int.Parse).ToArray();
double memoryWeight = ArgValue("--memory", 0.0);
set_num_threads(threads);
if (args.Contains("--search"))
{
    NeuralProgrammer.Bench.SearchBench.Run(ArgText("--variants", "single-column,3-columns,5-columns,10-columns,text-match-5").Split(',').Select(DatasetVariants.Parse).ToArray());
    return;
}

Console.WriteLine($"machine: {Environment.MachineName}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, " +
                  $"{Environment.ProcessorCount} cores; torch threads {get_num_threads()}; TorchSharp {typeof(torch).Assembly.GetName().Version}" +
                  (memoryWeight > 0 ? $"; program memory weight {memoryWeight}" : ""));
Console.WriteLine($"{"variant",-14} {"batch",6} {"train ex/s",11} {"infer ex/s",11} {"step ms",8} {"fwd",6} {"bwd",6} {"clip",6} {"noise",6} {"adam",6} {"copy",6}");

foreach (var variant in variants)
foreach (var batchSize in batches)
{
    var spec = new TrainingSpec
    {
        Variant = variant, TrainingExamples = Math.Max(2_000, batchSize * 4), TestExamples = 500, Seed = 1,
        HyperParameters = HyperParameters.Default with { BatchSize = batchSize, ProgramMemoryWeight = memoryWeight },
    };
    using var trainer = new Trainer(spec);
    for (int i = 0; i < 3; i++) trainer.Step();

    var timings = new StepTimings();
    var clock = Stopwatch.StartNew();
    int steps = 0;
    while (clock.Elapsed.TotalSeconds < seconds || steps < 3) { trainer.Step(timings); steps++; }
    double stepSeconds = clock.Elapsed.TotalSeconds / steps;

    var examples = trainer.TestSet.Take(batchSize).ToList(); // inference on 120-row test tables, as the reference's
    using (var batch = EncodedBatch.Encode(examples, trainer.Vocabulary))
    using (no_grad())
    {
        trainer.Network.eval();
        for (int i = 0; i < 3; i++) using (trainer.Network.forward(batch, Selection.Argmax)) { }
        clock.Restart();
        int passes = 0;
        while (clock.Elapsed.TotalSeconds < seconds || passes < 3) { using (trainer.Network.forward(batch, Selection.Argmax)) { } passes++; }
        double inference = passes * batchSize / clock.Elapsed.TotalSeconds;

        double Ms(TimeSpan t) => t.TotalMilliseconds / steps;
        double accounted = Ms(timings.Forward) + Ms(timings.Backward) + Ms(timings.Update.Clip) + Ms(timings.Update.Noise) + Ms(timings.Update.Optimizer);
        Console.WriteLine($"{variant.Name(),-14} {batchSize,6} {batchSize / stepSeconds,11:F0} {inference,11:F0} {stepSeconds * 1000,8:F2} " +
                          $"{Ms(timings.Forward),6:F2} {Ms(timings.Backward),6:F2} {Ms(timings.Update.Clip),6:F2} {Ms(timings.Update.Noise),6:F2} " +
                          $"{Ms(timings.Update.Optimizer),6:F2} {stepSeconds * 1000 - accounted,6:F2}");
    }
}
Console.WriteLine($"parameters: {ParameterVector.Count(Replica.CreateNetwork(new TrainingSpec())):N0}; resident memory: {Process.GetCurrentProcess().WorkingSet64 / (1024 * 1024)} MiB");
Console.WriteLine("columns: ms per step; 'copy' = batch encoding, flat weight copy and the rest outside the timed phases.");

string ArgText(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

T ArgValue<T>(string name, T fallback) where T : IParsable<T>
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? T.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
