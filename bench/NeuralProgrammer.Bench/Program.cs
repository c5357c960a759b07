using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

// Training and inference throughput of the model for batch 1, 50 and 500 on the single-column and 5-column variants,
// the PyTorch reference's workload row for row (d = 256, T = 4, training tables of 30–100 rows with the variant's
// columns, inference on 120-row test tables, noise, global-norm clipping and Adam in the step), each row in a fresh
// process so that its peak resident memory is its own.
// Usage: bench [--threads N] [--seconds S] [--variants single-column,5-columns] [--batches 1,50,500] [--memory W]
//              [--rounds R] [--peer [path/to/np_peer.py]]
//        bench --row variant:batch --profile train|infer [--threads N] [--seconds S]   (one phase alone: bench/profile.sh)
//        bench --search [--variants ...]: the program memory's search per <variant>-memory preset instead (SearchBench)
// --memory W: train with the program memory's loss at weight W (the memory is built before timing starts).
// --peer: after each row, the same row of the PyTorch reference (default ../shared/peer/np_peer.py, run by
// /usr/bin/python3 when it has torch, through with_openblas.sh beside it when present) and the ratio project/peer.
// Rows: variant, batch, train ex/s, infer ex/s, step ms first (../shared/peer/side_by_side.sh reads them), then
// the step's phases, the inference batch's ms (at batch 1: the latency np ask feels) and the row's peak memory.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (Arg("--row") is { } row)
{
    var parts = row.Split(':');
    RunRow(DatasetVariants.Parse(parts[0]), int.Parse(parts[1], CultureInfo.InvariantCulture));
    return;
}

int threads = ArgValue("--threads", Environment.ProcessorCount);
double seconds = ArgValue("--seconds", 3.0);
int rounds = ArgValue("--rounds", 1);
var variants = (Arg("--variants") ?? "single-column,5-columns").Split(',').Select(DatasetVariants.Parse).ToArray();
var batches = (Arg("--batches") ?? "1,50,500").Split(',').Select(int.Parse).ToArray();
double memoryWeight = ArgValue("--memory", 0.0);
var peer = args.Contains("--peer") ? Peer.Find(Arg("--peer") is { } p && !p.StartsWith("--") ? p : Path.Combine("..", "shared", "peer", "np_peer.py")) : null;
if (args.Contains("--search"))
{
    set_num_threads(threads);
    NeuralProgrammer.Bench.SearchBench.Run((Arg("--variants") ?? "single-column,3-columns,5-columns,10-columns,text-match-5").Split(',').Select(DatasetVariants.Parse).ToArray());
    return;
}

Console.WriteLine($"machine: {Environment.MachineName}, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, " +
                  $"{Environment.ProcessorCount} cores; torch threads {threads}; TorchSharp {typeof(torch).Assembly.GetName().Version}" +
                  (memoryWeight > 0 ? $"; program memory weight {memoryWeight}" : "") + (peer is null ? "" : $"; peer {peer.Describe()}"));
Console.WriteLine($"{"variant",-14} {"batch",6} {"train ex/s",11} {"infer ex/s",11} {"step ms",8} {"fwd",6} {"bwd",6} {"clip",6} {"noise",6} {"adam",6} {"copy",6} {"infer ms",9} {"peak MiB",9}" +
                  (memoryWeight > 0 ? $" {"plain ms",8} {"×plain",6}" : ""));
for (int round = 1; round <= rounds; round++)
foreach (var variant in variants)
foreach (var batchSize in batches)
{
    var line = RunChild(variant, batchSize);
    Console.WriteLine(line);
    if (peer is null) continue;
    if (Peer.Columns(variant) is not { } columns) { Console.WriteLine($"  peer: no {variant.Name()} (numeric columns only)"); continue; }
    var reference = peer.Bench(columns, batchSize, threads, seconds);
    if (reference is null) { Console.WriteLine("  peer: failed (see its stderr above)"); continue; }
    var ours = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    double Ratio(int field, double theirs) => double.Parse(ours[field], CultureInfo.InvariantCulture) / theirs;
    Console.WriteLine($"  {"peer",-12} {batchSize,6} {reference.Train,11:F0} {reference.Infer,11:F0} {reference.StepMs,8:F2} " +
                      $"{"",41} {reference.InferMs,9:F2} {reference.PeakMiB,9:F0}");
    Console.WriteLine($"  ratio project/peer: train {Ratio(2, reference.Train):F2}, infer {Ratio(3, reference.Infer):F2}, " +
                      $"peak memory {double.Parse(ours[^1], CultureInfo.InvariantCulture) - reference.PeakMiB:+0;-0} MiB");
}
Console.WriteLine("columns: ms per step; 'copy' = batch encoding, flat weight copy and the rest outside the timed phases; " +
                  "'infer ms' = one inference batch (argmax, inference mode); 'peak MiB' = the row's process's peak resident memory" +
                  (memoryWeight > 0 ? "; 'step ms' is the step with the memory's loss, 'plain ms' the same run's step without it." : "."));
return;

string RunChild(DatasetVariant variant, int batchSize)
{
    var self = Environment.ProcessPath!;
    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Program).Assembly.Location);
    foreach (var a in new[] { "--row", $"{variant.Name()}:{batchSize}", "--threads", $"{threads}", "--seconds", $"{seconds.ToString(CultureInfo.InvariantCulture)}",
                              "--memory", $"{memoryWeight.ToString(CultureInfo.InvariantCulture)}" })
        start.ArgumentList.Add(a);
    using var child = Process.Start(start)!;
    var output = child.StandardOutput.ReadToEnd().Trim();
    child.WaitForExit();
    return child.ExitCode == 0 ? output : $"{variant.Name(),-14} {batchSize,6} failed (exit {child.ExitCode})";
}

void RunRow(DatasetVariant variant, int batchSize)
{
    set_num_threads(ArgValue("--threads", Environment.ProcessorCount));
    double seconds = ArgValue("--seconds", 3.0);
    var spec = new TrainingSpec
    {
        Variant = variant, TrainingExamples = Math.Max(2_000, batchSize * 4), TestExamples = 500, Seed = 1,
        HyperParameters = HyperParameters.Default with { BatchSize = batchSize, ProgramMemoryWeight = ArgValue("--memory", 0.0) },
    };
    using var trainer = new Trainer(spec);
    if (Arg("--profile") is { } phase) { Profile(trainer, phase, seconds); return; }
    // With the memory, the same run's plain step beside it (same data and batches), the two stepped in turn so that
    // the machine's drift falls on both alike.
    using var plainTrainer = spec.HyperParameters.ProgramMemoryWeight > 0
        ? new Trainer(spec with { HyperParameters = spec.HyperParameters with { ProgramMemoryWeight = 0 } }) : null;
    for (int i = 0; i < 3; i++) { trainer.Step(); plainTrainer?.Step(); }
    var timings = new StepTimings();
    var (spent, plainSpent) = (TimeSpan.Zero, TimeSpan.Zero);
    int steps = 0;
    while (spent.TotalSeconds < seconds || steps < 3)
    {
        long started = Stopwatch.GetTimestamp();
        trainer.Step(timings);
        spent += Stopwatch.GetElapsedTime(started);
        steps++;
        if (plainTrainer is null) continue;
        started = Stopwatch.GetTimestamp();
        plainTrainer.Step();
        plainSpent += Stopwatch.GetElapsedTime(started);
    }
    double stepSeconds = spent.TotalSeconds / steps;
    var plain = plainTrainer is null ? "" : $" {plainSpent.TotalMilliseconds / steps,8:F2} {spent / plainSpent,6:F2}";
    var clock = Stopwatch.StartNew();

    var examples = trainer.TestSet.Take(batchSize).ToList(); // inference on 120-row test tables, as the reference's
    using var batch = EncodedBatch.Encode(examples, trainer.Vocabulary);
    double inferenceSeconds;
    using (inference_mode())
    {
        trainer.Network.eval();
        for (int i = 0; i < 3; i++) using (trainer.Network.forward(batch, Selection.Argmax)) { }
        clock.Restart();
        int passes = 0;
        while (clock.Elapsed.TotalSeconds < seconds || passes < 3) { using (trainer.Network.forward(batch, Selection.Argmax)) { } passes++; }
        inferenceSeconds = clock.Elapsed.TotalSeconds / passes;
    }

    double Ms(TimeSpan t) => t.TotalMilliseconds / steps;
    double accounted = Ms(timings.Forward) + Ms(timings.Backward) + Ms(timings.Update.Clip) + Ms(timings.Update.Noise) + Ms(timings.Update.Optimizer);
    Console.WriteLine(
        $"{variant.Name(),-14} {batchSize,6} {batchSize / stepSeconds,11:F0} {batchSize / inferenceSeconds,11:F0} {stepSeconds * 1000,8:F2} " +
        $"{Ms(timings.Forward),6:F2} {Ms(timings.Backward),6:F2} {Ms(timings.Update.Clip),6:F2} {Ms(timings.Update.Noise),6:F2} " +
        $"{Ms(timings.Update.Optimizer),6:F2} {stepSeconds * 1000 - accounted,6:F2} {inferenceSeconds * 1000,9:F2} {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024),9:F0}{plain}");
}

// --profile train|infer --row variant:batch: that phase alone for --seconds, for bench/profile.sh's perf record.
static void Profile(Trainer trainer, string phase, double seconds)
{
    var (allocated, pause, collections) = (GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), GC.CollectionCount(0));
    var clock = Stopwatch.StartNew();
    int passes = 0;
    if (phase == "train")
        for (; clock.Elapsed.TotalSeconds < seconds; passes++) trainer.Step();
    else
    {
        using var batch = EncodedBatch.Encode(trainer.TestSet.Take(trainer.Spec.HyperParameters.BatchSize).ToList(), trainer.Vocabulary);
        using var _ = inference_mode();
        trainer.Network.eval();
        for (; clock.Elapsed.TotalSeconds < seconds; passes++) using (trainer.Network.forward(batch, Selection.Argmax)) { }
    }
    var elapsed = clock.Elapsed;
    Console.WriteLine($"{phase}: {passes} passes, {elapsed.TotalMilliseconds / passes:F2} ms each; managed heap: " +
                      $"{(GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / passes:F1} KiB allocated per pass, " +
                      $"{GC.CollectionCount(0) - collections} collections, GC pauses {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds / elapsed.TotalMilliseconds:P2} of the time");
}

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

T ArgValue<T>(string name, T fallback) where T : IParsable<T> =>
    Arg(name) is { } text ? T.Parse(text, CultureInfo.InvariantCulture) : fallback;

/// <summary>The PyTorch reference (../shared/peer/np_peer.py), run row by row beside the project's bench.</summary>
sealed record Peer(string Script, string Python, string? Wrapper)
{
    public sealed record Row(double Train, double Infer, double StepMs, double InferMs, double PeakMiB);

    public static Peer? Find(string script)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(script)) { Console.Error.WriteLine($"--peer: {script} not found; running the project's rows alone"); return null; }
        if (!File.Exists(python) || Run(python, ["-c", "import torch"]) is null)
        {
            Console.Error.WriteLine($"--peer: {python} has no torch (apt-get install -y python3-torch libopenblas0-openmp); running the project's rows alone");
            return null;
        }
        var wrapper = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(script))!, "with_openblas.sh");
        return new Peer(Path.GetFullPath(script), python, File.Exists(wrapper) ? wrapper : null);
    }

    /// <summary>The reference has numeric columns only: 1 to 10 of them.</summary>
    public static int? Columns(DatasetVariant variant) => variant switch
    {
        DatasetVariant.SingleColumn => 1,
        DatasetVariant.Columns3 => 3,
        DatasetVariant.Columns5 => 5,
        DatasetVariant.Columns10 => 10,
        _ => null,
    };

    public string Describe() => $"{Script}{(Wrapper is null ? "" : " via with_openblas.sh")}";

    public Row? Bench(int columns, int batch, int threads, double seconds)
    {
        string[] bench = [Script, "bench", "--columns", $"{columns}", "--batch", $"{batch}", "--threads", $"{threads}",
                          "--seconds", seconds.ToString(CultureInfo.InvariantCulture), "--comparison", "expected"];
        var output = Wrapper is null ? Run(Python, bench) : Run(Wrapper, [Python, .. bench]);
        if (output?.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() is not { } last) return null;
        var json = JsonDocument.Parse(last).RootElement;
        double Get(string name) => json.GetProperty(name).GetDouble();
        return new Row(Get("train_examples_per_s"), Get("infer_examples_per_s"), Get("train_step_ms"), Get("infer_batch_ms"),
                       json.GetProperty("memory_mb").GetProperty("VmHWM").GetDouble());
    }

    static string? Run(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : null;
    }
}
