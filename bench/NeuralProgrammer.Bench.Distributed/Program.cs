using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Settings;
using NeuralProgrammer.Model.Training;
using TorchSharp;

// Per-step time of distributed training on an Orleans cluster of 2 silos, split into compute (the slowest worker's
// forward/backward, including its wait for a free compute thread, + the parameter server's averaging and update) and
// communication (everything else in the step: grain calls, serialization, scheduling), with the bytes the parameter
// server sends and receives per step, for K = 1, 2, 4 workers with a fixed batch per worker, against the
// single-process trainer on the same total batch. The silos run in this process (InProcessCluster), or with
// --processes as separate silo processes clustered through a redis-server of their own (SiloProcesses).
// Usage: bench-distributed [--processes] [--steps 200] [--warmup 100] [--batch-per-worker 50] [--workers 1,2,4] [--dim 256] [--silos 2]
//                          [--transport float32|bfloat16|float16] [--shards S (0: the job's default)]
// (The warm-up covers the .NET JIT's tiering too: at 10 steps it still took 5% of the CPU.)
//        bench-distributed [--processes] --ask [--clients 8] [--seconds 20]: np ask --job under load (AskBench)
//        bench-distributed [--processes] --plan [--workers 1,2,4,8,16,32] [--shards 1,2,4,8] [--compute-ms 30]: communication
//                          with the model's compute replaced by a fixed delay, and the projection's inputs (PlanBench)
int steps = ArgValue("--steps", 200);
int warmup = ArgValue("--warmup", 100);
int perWorker = ArgValue("--batch-per-worker", 50);
int dimension = ArgValue("--dim", 256);
short silos = ArgValue("--silos", (short)2);
bool plan = args.Contains("--plan");
var workerCounts = (ArgText("--workers") ?? (plan ? "1,2,4,8,16,32" : "1,2,4")).Split(',').Select(int.Parse).ToArray();
var shardCounts = (ArgText("--shards") ?? (plan ? "1,2,4,8" : "0")).Split(',').Select(int.Parse).ToArray();
if (!plan && shardCounts.Length != 1) throw new ArgumentException("--shards takes one S (0: the job's default) without --plan");

var transport = ArgText("--transport") is { } format ? RunSettings.Transport.Apply(new TrainingSpec(), format).Transport : WireFormat.Float32;
var hyperParameters = HyperParameters.Default with { Dimension = dimension }; // the paper's: clip 5, noise η = 1
TrainingSpec Spec(int batch) => new()
{
    Variant = DatasetVariant.SingleColumn, TrainingExamples = 10_000, TestExamples = 200, Seed = 1,
    Steps = warmup + steps, EvaluateEvery = warmup + steps, HyperParameters = hyperParameters with { BatchSize = batch }, Transport = transport,
    Shards = shardCounts[0],
};

if (plan)
{
    var compute = TimeSpan.FromMilliseconds(ArgValue("--compute-ms", 30.0));
    Console.WriteLine($"machine: {Environment.MachineName}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores; " +
                      $"single column, d = {dimension}, {perWorker} examples per worker, compute replaced by a {compute.TotalMilliseconds:F0} ms delay, " +
                      $"{RunSettings.Transport.Format(Spec(1))} on the wire");
    await using IBenchCluster planned = args.Contains("--processes")
        ? await SiloProcesses.StartAsync(silos, new Dictionary<string, string> { ["Training:SimulatedCompute"] = compute.ToString("c", CultureInfo.InvariantCulture) })
        : await InProcessCluster.StartAsync(silos, compute);
    Console.WriteLine(planned.Description);
    try
    {
        await PlanBench.Run(planned, compute, workerCounts, shardCounts, k => Spec(k * perWorker));
    }
    catch
    {
        planned.DumpLogs();
        throw;
    }
    return;
}

Console.WriteLine($"machine: {Environment.MachineName}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores; " +
                  $"single column, d = {dimension}, {perWorker} examples per worker, {steps} timed steps after {warmup}, {RunSettings.Transport.Format(Spec(1))} on the wire, " +
                  $"S = {(shardCounts[0] == 0 ? "the job's default" : shardCounts[0])}");

// Single-process reference first (skipped by --ask) (the compute pool's threads set their own torch thread count when they start).
var reference = new Dictionary<int, (Timing OneThread, Timing AllCores)>();
foreach (var k in args.Contains("--ask") ? [] : workerCounts)
{
    reference[k] = (SingleProcess(Spec(k * perWorker), 1), SingleProcess(Spec(k * perWorker), Environment.ProcessorCount));
}

await using IBenchCluster cluster = args.Contains("--processes") ? await SiloProcesses.StartAsync(silos) : await InProcessCluster.StartAsync(silos);
Console.WriteLine(cluster.Description);
if (args.Contains("--ask"))
{
    await AskBench.Run(cluster.Grains, ArgValue("--clients", 8), TimeSpan.FromSeconds(ArgValue("--seconds", 20)));
    return;
}
Console.WriteLine();
Console.WriteLine($"{"K",2} {"batch",6} {"step ms",8} {"compute",8} {"comm",7} {"comm %",7} {"ex/s",7} {"sent MB",8} {"recv MB",8} {"cpu ms",7} {"gc ms",6} {"gen2",5} | single process: ms (ex/s) cpu ms, {Environment.ProcessorCount} threads and 1 thread");

var timed = new List<(int K, long TimedSteps)>();
try
{
    foreach (var k in workerCounts)
    {
        var id = $"bench-k{k}-{Guid.NewGuid():N}"[..20];
        var (figures, _) = await BenchJob.RunAsync(cluster, id, JobSpecs.FromTrainingSpec(Spec(k * perWorker), k), warmup);
        timed.Add((k, figures.TimedSteps));
        double step = figures.Compute + figures.Communication;
        int batch = k * perWorker;
        var (oneThread, allCores) = reference[k];
        Console.WriteLine($"{k,2} {batch,6} {step * 1000,8:F1} {figures.Compute * 1000,8:F1} {figures.Communication * 1000,7:F1} {figures.Communication / step,7:P0} {batch / step,7:F0} " +
                          $"{figures.BytesSent / 1e6,8:F3} {figures.BytesReceived / 1e6,8:F3} {Figure(figures.CpuMilliseconds, 7, "F1")} {Figure(figures.GcMilliseconds, 6, "F1")} {Figure(figures.Gen2, 5, "F2")} | " +
                          $"{allCores.Seconds * 1000,7:F1} ({batch / allCores.Seconds,5:F0}) {allCores.CpuSeconds * 1000,6:F1}   {oneThread.Seconds * 1000,7:F1} ({batch / oneThread.Seconds,5:F0}) {oneThread.CpuSeconds * 1000,6:F1}");
    }
}
catch
{
    cluster.DumpLogs();
    throw;
}
Console.WriteLine();
foreach (var line in cluster.MeansLegend(timed)) Console.WriteLine(line);
Console.WriteLine("compute: the slowest worker's unpack/encode/forward/backward/pack, including its wait for a free compute thread when");
Console.WriteLine("K workers share fewer cores, + the parameter server's averaging, clipping, noise, Adam and packing;");
Console.WriteLine("communication: the rest of the step seen from the job grain (grain calls, serialization of weights and gradients");
Console.WriteLine("between silos, scheduling). sent, recv MB: the packed weights the parameter server sent to the workers and the");
Console.WriteLine("gradients it received, per step over the whole job (np_parameter_server_bytes_total; 1 MB = 10^6 bytes; a worker on");
Console.WriteLine("the server's own silo is counted too, though it gets the weights without a copy).");
foreach (var line in cluster.CpuLegend) Console.WriteLine(line);

static string Figure(double value, int width, string format) =>
    (double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture)).PadLeft(width);

static Timing SingleProcess(TrainingSpec spec, int threads)
{
    torch.set_num_threads(threads);
    using var trainer = new Trainer(spec);
    int warm = Math.Min(10, spec.Steps / 4);
    for (int i = 0; i < warm; i++) trainer.Step();
    var clock = Stopwatch.StartNew();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    int n = 0;
    while (!trainer.Finished) { trainer.Step(); n++; }
    return new Timing(clock.Elapsed.TotalSeconds / Math.Max(1, n), (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / Math.Max(1, n));
}

T ArgValue<T>(string name, T fallback) where T : IParsable<T> =>
    ArgText(name) is { } text ? T.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ArgText(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>Wall and process CPU seconds per step.</summary>
readonly record struct Timing(double Seconds, double CpuSeconds);
