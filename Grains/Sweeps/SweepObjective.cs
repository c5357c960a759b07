namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>
/// What ranks trials (<see cref="SweepSpec.Objective"/>). Internally everything is a score, higher is better: the
/// value itself when maximizing, its negation when minimizing; the early-stopping rules compare scores of curve points.
/// </summary>
public sealed record SweepObjective(string Name, bool Maximize)
{
    public const string Accuracy = "accuracy";
    public const string FinalAccuracy = "final-accuracy";
    public const string Loss = "loss";

    public static IReadOnlyList<string> Names { get; } = [Accuracy, FinalAccuracy, Loss];

    public static SweepObjective Default { get; } = new(Accuracy, true);

    public static bool TryParse(string? name, out SweepObjective objective)
    {
        var n = name?.Trim().ToLowerInvariant();
        objective = n switch
        {
            null or "" or Accuracy or "best-accuracy" => Default,
            FinalAccuracy => new SweepObjective(FinalAccuracy, true),
            Loss => new SweepObjective(Loss, false),
            _ => null!,
        };
        return objective is not null;
    }

    /// <summary>A curve point's score (higher is better), NaN when the point has no such number.</summary>
    public double PointScore(SweepPoint point) => Name == Loss ? -point.Loss : point.Accuracy;

    /// <summary>The objective's value for a curve (null when it has no usable point).</summary>
    public double? Value(IReadOnlyList<SweepPoint> curve)
    {
        var usable = curve.Where(p => !double.IsNaN(Name == Loss ? p.Loss : p.Accuracy)).ToList();
        if (usable.Count == 0) return null;
        return Name switch
        {
            Accuracy => usable.Max(p => p.Accuracy),
            FinalAccuracy => usable.MaxBy(p => p.Update)!.Accuracy,
            _ => usable.MaxBy(p => p.Update)!.Loss,
        };
    }

    /// <summary>The score of an objective value (higher is better).</summary>
    public double Score(double value) => Maximize ? value : -value;
}
