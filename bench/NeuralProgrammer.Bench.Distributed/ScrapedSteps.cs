using System.Diagnostics;
using NeuralProgrammer.Grains;

/// <summary>
/// The figures of a job on silo processes, from the silos' /metrics: np_step_duration_seconds' sums and counts per
/// phase scraped once the job has passed the warm-up and again once it has completed, so that compute and
/// communication are exact means over the steps between the two scrapes; bytes per step from the job's
/// np_parameter_server_bytes_total over all its updates; CPU of the silo processes. GC happens inside the silos and is
/// not exported, so it stays NaN.
/// </summary>
sealed class ScrapedSteps(string job, int warmup, IReadOnlyList<SiloNode> silos) : IStepMeter
{
    static readonly TimeSpan FinalScrapeTimeout = TimeSpan.FromSeconds(30);

    readonly CpuClock cpu = new(warmup, () => silos.Aggregate(TimeSpan.Zero, (sum, silo) => sum + Cpu(silo)));
    MetricsPage? afterWarmup;

    static TimeSpan Cpu(SiloNode silo)
    {
        using var process = Process.GetProcessById(silo.Process.Id);
        return process.TotalProcessorTime;
    }

    public async Task Mark(long update)
    {
        cpu.Mark(update);
        if (afterWarmup is null && update >= warmup) afterWarmup = await Scrape();
    }

    async Task<MetricsPage> Scrape() => new(await Task.WhenAll(silos.Select(s => s.MetricsAsync())));

    double Steps(MetricsPage page, string phase) => page.Sum("np_step_duration_seconds_count", (GrainMetrics.JobTag, job), (GrainMetrics.PhaseTag, phase));

    double Seconds(MetricsPage page, string phase) => page.Sum("np_step_duration_seconds_sum", (GrainMetrics.JobTag, job), (GrainMetrics.PhaseTag, phase));

    public async Task<StepFigures> Figures(long updates)
    {
        var first = afterWarmup ?? throw new InvalidOperationException($"job {job} completed before a poll saw it past its {warmup} warm-up steps");
        // The exporter may answer from a page it cached a moment ago: scrape until the page has every step.
        var last = await Scrape();
        for (var clock = Stopwatch.StartNew(); Steps(last, GrainMetrics.CommunicationPhase) < updates; last = await Scrape())
        {
            if (clock.Elapsed > FinalScrapeTimeout)
                throw new InvalidOperationException($"the silos' /metrics show {Steps(last, GrainMetrics.CommunicationPhase)} of job {job}'s {updates} steps");
            await Task.Delay(100);
        }
        double Mean(string phase) => (Seconds(last, phase) - Seconds(first, phase)) / (Steps(last, phase) - Steps(first, phase));
        double PerStep(string direction) =>
            last.Sum("np_parameter_server_bytes_total", (GrainMetrics.JobTag, job), (GrainMetrics.DirectionTag, direction)) / updates;
        return new StepFigures(Mean(GrainMetrics.ComputePhase), Mean(GrainMetrics.CommunicationPhase), cpu.MillisecondsPerStep, double.NaN, double.NaN,
            PerStep(GrainMetrics.Sent), PerStep(GrainMetrics.Received),
            (long)(Steps(last, GrainMetrics.ComputePhase) - Steps(first, GrainMetrics.ComputePhase)));
    }

    public void Dispose() { }
}
