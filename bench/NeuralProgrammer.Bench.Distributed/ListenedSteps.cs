using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using NeuralProgrammer.Grains;

/// <summary>
/// The figures of a job on the in-process cluster, from its measurements as this process records them: compute and
/// communication from np_step_duration_seconds past the warm-up, bytes from np_parameter_server_bytes_total, CPU and
/// GC of this whole process (all silos, the client).
/// </summary>
sealed class ListenedSteps : IStepMeter
{
    readonly MeterListener listener = new();
    readonly ConcurrentQueue<(string Phase, double Seconds)> steps = new();
    readonly ConcurrentDictionary<string, long> bytes = new();
    readonly int warmup;
    readonly CpuClock cpu;
    readonly int gen2 = GC.CollectionCount(2);
    readonly TimeSpan paused = GC.GetTotalPauseDuration();

    public ListenedSteps(string job, int warmup)
    {
        this.warmup = warmup;
        cpu = new CpuClock(warmup, () => Process.GetCurrentProcess().TotalProcessorTime);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GrainMetrics.MeterName && instrument.Name is "np_step_duration_seconds" or "np_parameter_server_bytes_total")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (Tag(tags, GrainMetrics.JobTag) == job && Tag(tags, GrainMetrics.PhaseTag) is { } phase) steps.Enqueue((phase, value));
        });
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (Tag(tags, GrainMetrics.JobTag) == job && Tag(tags, GrainMetrics.DirectionTag) is { } direction) bytes.AddOrUpdate(direction, value, (_, sum) => sum + value);
        });
        listener.Start();
    }

    static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
            if (tag.Key == key) return tag.Value as string;
        return null;
    }

    public Task Mark(long update)
    {
        cpu.Mark(update);
        return Task.CompletedTask;
    }

    public Task<StepFigures> Figures(long updates)
    {
        double Mean(string phase) => steps.Where(s => s.Phase == phase).Skip(warmup).Select(s => s.Seconds).DefaultIfEmpty().Average();
        double PerStep(string direction) => bytes.GetValueOrDefault(direction) / (double)updates;
        return Task.FromResult(new StepFigures(Mean(GrainMetrics.ComputePhase), Mean(GrainMetrics.CommunicationPhase), cpu.MillisecondsPerStep,
            (GC.GetTotalPauseDuration() - paused).TotalMilliseconds / updates, (GC.CollectionCount(2) - gen2) / (double)updates,
            PerStep(GrainMetrics.Sent), PerStep(GrainMetrics.Received), steps.Count(s => s.Phase == GrainMetrics.ComputePhase) - warmup));
    }

    public void Dispose() => listener.Dispose();
}
