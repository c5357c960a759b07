using System.Diagnostics;
using NeuralProgrammer.Grains;

namespace NeuralProgrammer.EndToEnd.Tests;

/// <summary>
/// Polls a job's or a sweep's progress (updates trained) through an Orleans client every 100 ms while a fault is
/// injected, keeping every answer with its time and the latency of every call: what a fault costs is read from it.
/// A call that fails or takes over 5 s (its silo just died) counts as unanswered and the polling goes on.
/// </summary>
sealed class ProgressProbe : IAsyncDisposable
{
    public sealed record Sample(TimeSpan At, long Update, string State, int Resumes, string? LastRecovery);

    readonly Func<Task<Sample>> ask;
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly List<Sample> samples = [];
    readonly CancellationTokenSource stop = new();
    readonly Task polling;

    public List<double> LatenciesMs { get; } = [];
    public int Unanswered { get; private set; }

    ProgressProbe(Func<TimeSpan, Task<Sample>> ask)
    {
        this.ask = () => ask(clock.Elapsed);
        polling = Poll();
    }

    public static ProgressProbe ForJob(IGrainFactory grains, string job) => new(async at =>
    {
        var s = await grains.GetGrain<ITrainingJobGrain>(job).GetStatus();
        return new Sample(at, s.Progress.Update, s.State.ToString(), s.Resumes, s.LastRecovery);
    });

    public static ProgressProbe ForSweep(IGrainFactory grains, string sweep) => new(async at =>
    {
        var s = await grains.GetGrain<ISweepGrain>(sweep).GetStatus();
        return new Sample(at, s.StepsRun, s.State.ToString(), s.Resumes, s.Silo);
    });

    public TimeSpan Now => clock.Elapsed;

    public Sample? Last
    {
        get { lock (samples) return samples.Count == 0 ? null : samples[^1]; }
    }

    public IReadOnlyList<Sample> Since(TimeSpan at)
    {
        lock (samples) return samples.Where(s => s.At >= at).ToList();
    }

    async Task Poll()
    {
        while (!stop.IsCancellationRequested)
        {
            var started = clock.Elapsed;
            try
            {
                var sample = await ask().WaitAsync(TimeSpan.FromSeconds(5), stop.Token);
                lock (samples)
                {
                    samples.Add(sample);
                    LatenciesMs.Add((clock.Elapsed - started).TotalMilliseconds);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception) { Unanswered++; }
            try { await Task.Delay(100, stop.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>The first sample that <paramref name="match"/> accepts, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<Sample> WaitFor(Func<Sample, bool> match, TimeSpan timeout, string what)
    {
        var deadline = clock.Elapsed + timeout;
        while (clock.Elapsed < deadline)
        {
            lock (samples)
                if (samples.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no progress sample showed {what} within {timeout.TotalSeconds:F0} s; last: {Last}");
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await polling;
        stop.Dispose();
    }
}
