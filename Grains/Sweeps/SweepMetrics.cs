using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>
/// The sweep metrics of docs/architecture.md 2.3 on the meter <c>NeuralProgrammer</c>: <c>np_sweep_trials</c> (trials by
/// <c>state</c>, tagged with the <c>sweep</c>) and <c>np_sweep_best_objective</c> (the best trial's objective so far).
/// Observable gauges read the latest snapshot each active sweep grain of this process reported, so a silo reports the
/// sweeps it holds and a sweep that moves reports from its new silo.
/// </summary>
public static class SweepMetrics
{
    public const string SweepTag = "sweep";
    public const string StateTag = "state";
    public const string ObjectiveTag = "objective";

    sealed record Snapshot(int[] Counts, double? Best, string Objective);

    static readonly ConcurrentDictionary<string, Snapshot> Sweeps = new();

    public static readonly ObservableGauge<int> Trials = GrainMetrics.Meter.CreateObservableGauge("np_sweep_trials", ObserveTrials, "{trial}",
        "Trials of a sweep by state (queued, running, completed, stopped_early, failed, cancelled)");

    public static readonly ObservableGauge<double> BestObjective = GrainMetrics.Meter.CreateObservableGauge("np_sweep_best_objective", ObserveBest, null,
        "The best trial's objective so far (accuracy 0..1, or loss)");

    /// <summary>The state tag's value: <c>stopped_early</c> for <see cref="TrialState.StoppedEarly"/>.</summary>
    public static string StateName(TrialState state) => state == TrialState.StoppedEarly ? "stopped_early" : state.ToString().ToLowerInvariant();

    public static void Report(SweepLedger ledger)
    {
        var counts = new int[Enum.GetValues<TrialState>().Length];
        foreach (var trial in ledger.Trials) counts[(int)trial.State]++;
        var best = ledger.Best();
        Sweeps[ledger.SweepId] = new Snapshot(counts, best is null ? null : ledger.ObjectiveOf(best), ledger.Objective.Name);
    }

    public static void Remove(string sweepId) => Sweeps.TryRemove(sweepId, out _);

    static IEnumerable<Measurement<int>> ObserveTrials()
    {
        foreach (var (sweep, snapshot) in Sweeps)
            foreach (var state in Enum.GetValues<TrialState>())
                yield return new Measurement<int>(snapshot.Counts[(int)state], new KeyValuePair<string, object?>(SweepTag, sweep),
                    new KeyValuePair<string, object?>(StateTag, StateName(state)));
    }

    static IEnumerable<Measurement<double>> ObserveBest()
    {
        foreach (var (sweep, snapshot) in Sweeps)
            if (snapshot.Best is { } best)
                yield return new Measurement<double>(best, new KeyValuePair<string, object?>(SweepTag, sweep),
                    new KeyValuePair<string, object?>(ObjectiveTag, snapshot.Objective));
    }
}
