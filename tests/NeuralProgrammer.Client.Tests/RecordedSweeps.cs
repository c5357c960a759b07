using NeuralProgrammer.Grains;
using NeuralProgrammer.Grains.Sweeps;

namespace NeuralProgrammer.Client.Tests;

/// <summary>
/// The sweep results the picture tests draw, stored in Data/ as <c>np sweep</c> writes them, and the generator that made
/// them (run <see cref="RecordedSweepsTests"/> with NP_WRITE_TEST_DATA=1 to write them again). They are not training
/// runs: the paper's grid (clip × ε × δ × λ × 3 seeds = 216 trials of 200 updates evaluated every 40, as the README's
/// command) with planted effects — clip matters most, λ some, ε little, δ not at all — seed noise, accuracies in
/// steps of 1/500 (500 test examples) and the median rule stopping the trials that lag. A full paper sweep costs ~12
/// minutes of both cores.
/// </summary>
public static class RecordedSweeps
{
    public static string Directory(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    public static string File(string name) => Path.Combine(Directory(name), "results.json");

    public static SweepResults Read(string name) => SweepFiles.ResultsFromJson(System.IO.File.ReadAllText(File(name)));

    /// <summary>The paper's 216-trial grid (PaperSweep.Space) with planted effects.</summary>
    public static SweepResults Paper()
    {
        var random = new Random(26);
        var start = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var trials = new List<TrialResult>();
        int number = 0;
        foreach (var clip in PaperSweep.Space[0].Values!)
        foreach (var epsilon in PaperSweep.Space[1].Values!)
        foreach (var delta in PaperSweep.Space[2].Values!)
        foreach (var lambda in PaperSweep.Space[3].Values!)
        foreach (var seed in PaperSweep.Seeds)
        {
            number++;
            var final = clip switch { "1" => 0.12, "5" => 0.42, _ => 0.78 } +
                        lambda switch { "25" => -0.10, "50" => 0.0, "75" => 0.05, _ => 0.08 } +
                        (epsilon == "1e-6" ? 0.03 : 0) + Gaussian(random) * 0.06;
            final = Math.Clamp(final, 0, 0.995);
            SweepAssignment[] parameters =
            [
                new(PaperSweep.Space[0].Name!, clip), new(PaperSweep.Space[1].Name!, epsilon),
                new(PaperSweep.Space[2].Name!, delta), new(PaperSweep.Space[3].Name!, lambda), new("Seed", $"{seed}"),
            ];
            // The median rule stops the laggards: the worst at the second evaluation, the next at the third.
            int stopAt = final < 0.2 && number > 6 ? 80 : final < 0.3 && number > 6 ? 120 : 200;
            trials.Add(Trial(number, parameters, final, stopAt, 200, 40, random, start.AddSeconds(6.5 * (number - 1) / 2)));
        }
        return Results("paper-sweep", trials, "median");
    }

    /// <summary>The 2 × 2 grid (clip {1, 5} × learning rate {1e-3, 3e-3}) × 2 seeds: one trial stopped early, one failed.</summary>
    public static SweepResults Small()
    {
        var random = new Random(4);
        var start = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var trials = new List<TrialResult>();
        int number = 0;
        foreach (var clip in new[] { "1", "5" })
        foreach (var rate in new[] { "0.001", "0.003" })
        foreach (var seed in new[] { 1, 2 })
        {
            number++;
            SweepAssignment[] parameters = [new("HyperParameters.ClipNorm", clip), new("HyperParameters.LearningRate", rate), new("Seed", $"{seed}")];
            var final = (clip == "5" ? 0.7 : 0.35) + (rate == "0.003" ? 0.15 : 0) + Gaussian(random) * 0.05;
            if (number == 6)
            {
                trials.Add(new TrialResult(number, $"small-sweep/trial-{number}", parameters, TrialState.Failed, null, null, null, null, 0, 300, 1.5,
                    "job failed: worker lost", start, start.AddSeconds(1.5), []));
                continue;
            }
            trials.Add(Trial(number, parameters, final, number == 2 ? 100 : 300, 300, 50, random, start.AddSeconds(15 * (number - 1) / 2)));
        }
        return Results("small-sweep", trials, "median");
    }

    static TrialResult Trial(int number, SweepAssignment[] parameters, double final, int stopAt, int steps, int every, Random random, DateTimeOffset started)
    {
        var curve = new List<SweepPoint>();
        for (int update = every; update <= stopAt; update += every)
        {
            var accuracy = final * (1 - Math.Exp(-update / (0.35 * steps))) / (1 - Math.Exp(-1 / 0.35)) + 0.02 * Gaussian(random);
            curve.Add(new SweepPoint(update, Math.Round(500 * Math.Clamp(accuracy, 0, 1)) / 500, Math.Round(40 * (1.05 - accuracy) + random.NextDouble(), 3)));
        }
        var best = curve.MaxBy(p => p.Accuracy)!; // the first of the highest
        bool stopped = stopAt < steps;
        var wall = Math.Round(3.2 * stopAt / 200 + random.NextDouble(), 1);
        var reason = stopped ? $"median rule at update {stopAt}: best accuracy {100 * best.Accuracy:F1}% is below the median of the other trials" : null;
        return new TrialResult(number, $"sweep/trial-{number}", parameters, stopped ? TrialState.StoppedEarly : TrialState.Completed,
            best.Accuracy, best.Accuracy, best.Update, curve[^1].Accuracy, stopAt, steps, wall, reason, started, started.AddSeconds(wall), curve.ToArray());
    }

    static SweepResults Results(string id, List<TrialResult> trials, string earlyStopping)
    {
        trials = trials.Select(t => t with { JobId = $"{id}/trial-{t.Number}" }).ToList();
        var best = trials.Where(t => t.Objective is not null).OrderByDescending(t => t.Objective).ThenBy(t => t.Number).First();
        var created = trials.Min(t => t.Started!.Value);
        var status = new SweepStatus(id, SweepState.Completed, SweepObjective.Accuracy, true, trials.Count, 0, 0,
            trials.Count(t => t.State == TrialState.Completed), trials.Count(t => t.State == TrialState.StoppedEarly), trials.Count(t => t.State == TrialState.Failed), 0,
            2, best, trials.Sum(t => t.Steps), trials.Sum(t => t.TotalSteps), null, 0, "embedded", created, trials.Max(t => t.Finished), earlyStopping);
        return new SweepResults(status, trials.ToArray());
    }

    static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
