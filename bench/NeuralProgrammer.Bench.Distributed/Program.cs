using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using Orleans.TestingHost;
using TorchSharp;

// Per-step time of distributed training on the in-process Orleans cluster (2 silos), split into compute (the slowest
// worker's forward/backward, including its wait for a free compute thread, + the parameter server's averaging and
// update) and communication (everything else in the step: grain calls, serialization, scheduling), for K = 1, 2, 4
// workers with a fixed batch per worker, against the single-process trainer on the same total batch.
// Usage: bench-distributed [--steps 60] [--warmup 10] [--batch-per-worker 50] [--workers 1,2,4] [--dim 256] [--silos 2]
//        bench-distributed --ask [--clients 8] [--seconds 20]: np ask --job under load (AskBench)
int steps = ArgValue("--steps", 60);
int warmup = ArgValue("--warmup", 10);
int perWorker = ArgValue("--batch-per-worker", 50);
int dimension = ArgValue("--dim", 256);
short silos = ArgValue("--silos", (short)2);
var workerCounts = (ArgText("--workers") ?? "1,2,4").Split(',').Select(int.Parse).ToArray();

var hyperParameters = HyperParameters.Default with { Dimension = dimension }; // the paper's: clip 5, noise η = 1
TrainingSpec Spec(int batch) => new()
{
    Variant = DatasetVariant.SingleColumn, TrainingExamples = 10_000, TestExamples = 200, Seed = 1,
    Steps = warmup + steps, EvaluateEvery = warmup + steps, HyperParameters = hyperParameters with { BatchSize = batch },
};

Console.WriteLine($"machine: {Environment.MachineName}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores; " +
                  $"single column, d = {dimension}, {perWorker} examples per worker, {steps} timed steps after {warmup}");

// Single-process reference first (skipped by --ask) (the compute pool's threads set their own torch thread count when they start).
var reference = new Dictionary<int, (Timing OneThread, Timing AllCores)>();
foreach (var k in args.Contains("--ask") ? [] : workerCounts)
{
    reference[k] = (SingleProcess(Spec(k * perWorker), 1), SingleProcess(Spec(k * perWorker), Environment.ProcessorCount));
}

var builder = new InProcessTestClusterBuilder(silos);
builder.Options.ConfigureFileLogging = false;
builder.ConfigureSilo((_, silo) =>
{
    silo.AddMemoryGrainStorage("np");
    silo.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
});
await using var cluster = builder.Build();
await cluster.DeployAsync();
Console.WriteLine($"cluster: {silos} silos in this process; compute pool {ComputePool.Threads} threads x {ComputePool.TorchThreads} torch threads");
if (args.Contains("--ask"))
{
    await AskBench.Run(cluster, ArgValue("--clients", 8), TimeSpan.FromSeconds(ArgValue("--seconds", 20)));
    return;
}
Console.WriteLine();
Console.WriteLine($"{"K",2} {"batch",6} {"step ms",8} {"compute",8} {"comm",7} {"comm %",7} {"ex/s",7} {"cpu ms",7} {"gc ms",6} {"gen2",5} | single process: ms (ex/s) cpu ms, {Environment.ProcessorCount} threads and 1 thread");

foreach (var k in workerCounts)
{
    var id = $"bench-k{k}-{Guid.NewGuid():N}"[..20];
    using var recorder = new StepRecorder(id);
    var job = cluster.Client.GetGrain<ITrainingJobGrain>(id);
    var cpu = new CpuClock();
    int gen2 = GC.CollectionCount(2);
    var paused = GC.GetTotalPauseDuration();
    await job.Start(JobSpecs.FromTrainingSpec(Spec(k * perWorker), k));
    while ((await job.GetStatus()).State == JobState.Running)
    {
        await Task.Delay(20);
        cpu.Mark((await job.GetProgress()).Update, warmup);
    }
    var status = await job.GetStatus();
    if (status.State != JobState.Completed) throw new InvalidOperationException($"K = {k}: {status.State} {status.Error}");

    var (compute, communication) = recorder.Timed(warmup);
    double gcPause = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds / (warmup + steps);
    double gen2PerStep = (GC.CollectionCount(2) - gen2) / (double)(warmup + steps);
    double step = compute + communication;
    int batch = k * perWorker;
    var (oneThread, allCores) = reference[k];
    Console.WriteLine($"{k,2} {batch,6} {step * 1000,8:F1} {compute * 1000,8:F1} {communication * 1000,7:F1} {communication / step,7:P0} {batch / step,7:F0} {cpu.MillisecondsPerStep,7:F1} {gcPause,6:F1} {gen2PerStep,5:F2} | " +
                      $"{allCores.Seconds * 1000,7:F1} ({batch / allCores.Seconds,5:F0}) {allCores.CpuSeconds * 1000,6:F1}   {oneThread.Seconds * 1000,7:F1} ({batch / oneThread.Seconds,5:F0}) {oneThread.CpuSeconds * 1000,6:F1}");
}
Console.WriteLine();
Console.WriteLine("step = compute + communication, means over the timed steps as the job measured them (np_step_duration_seconds).");
Console.WriteLine("compute: the slowest worker's unpack/encode/forward/backward/pack, including its wait for a free compute thread when");
Console.WriteLine("K workers share fewer cores, + the parameter server's averaging, clipping, noise, Adam and packing;");
Console.WriteLine("communication: the rest of the step seen from the job grain (grain calls, serialization of weights and gradients");
Console.WriteLine("between silos, scheduling). cpu ms: CPU time of the whole process per step (all silos, the client, GC), which");
Console.WriteLine("depends less than wall time on what else the machine runs. gc ms: GC pause per step; gen2: full collections per step.");

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

/// <summary>Process CPU time per step between the first progress past the warm-up and the last one seen.</summary>
sealed class CpuClock
{
    (long Update, TimeSpan Cpu)? first, last;

    public void Mark(long update, int warmup)
    {
        if (update < warmup) return;
        var now = (update, Process.GetCurrentProcess().TotalProcessorTime);
        first ??= now;
        last = now;
    }

    public double MillisecondsPerStep => first is { } a && last is { } b && b.Update > a.Update
        ? (b.Cpu - a.Cpu).TotalMilliseconds / (b.Update - a.Update) : double.NaN;
}

/// <summary>The job's per-step compute and communication times, from its np_step_duration_seconds measurements.</summary>
sealed class StepRecorder : IDisposable
{
    readonly MeterListener listener = new();
    readonly ConcurrentQueue<(string Phase, double Seconds)> steps = new();

    public StepRecorder(string job)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GrainMetrics.MeterName && instrument.Name == "np_step_duration_seconds") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? phase = null, jobTag = null;
            foreach (var tag in tags)
            {
                if (tag.Key == GrainMetrics.PhaseTag) phase = tag.Value as string;
                if (tag.Key == GrainMetrics.JobTag) jobTag = tag.Value as string;
            }
            if (jobTag == job && phase is not null) steps.Enqueue((phase, value));
        });
        listener.Start();
    }

    public (double Compute, double Communication) Timed(int skip)
    {
        double Mean(string phase) => steps.Where(s => s.Phase == phase).Skip(skip).Select(s => s.Seconds).DefaultIfEmpty().Average();
        return (Mean(GrainMetrics.ComputePhase), Mean(GrainMetrics.CommunicationPhase));
    }

    public void Dispose() => listener.Dispose();
}
