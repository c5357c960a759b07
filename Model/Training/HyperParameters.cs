using System.Globalization;
using NeuralProgrammer.Model.Network;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// Everything that shapes a model and its training, in one immutable record (DESIGN.md 1.2, 1.5, 1.7, 1.8b).
/// Defaults are the paper's where it gives one. <see cref="Validate"/> names every field that is out of range.
/// </summary>
public sealed record HyperParameters
{
    // Network (DESIGN.md 1.2)
    public int Dimension { get; init; } = 256;
    public int Steps { get; init; } = 4;
    public bool BidirectionalQuestion { get; init; }
    public bool QuestionAttention { get; init; }
    public ComparisonMode Comparison { get; init; } = ComparisonMode.Expected;
    public double InitScale { get; init; } = 0.1;

    // Loss (DESIGN.md 1.5)
    public double HuberDelta { get; init; } = 10;
    public double LookupWeight { get; init; } = 50;

    // Optimiser (DESIGN.md 1.7)
    public int BatchSize { get; init; } = 50;
    public double LearningRate { get; init; } = 1e-3;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-6;
    /// <summary>Global-norm clipping threshold; 0 turns clipping off.</summary>
    public double ClipNorm { get; init; } = 5;

    // Gradient noise σ²_t = η/(1+t)^γ, after clipping; η = 0 turns it off.
    public double NoiseEta { get; init; } = 1.0;
    public double NoiseGamma { get; init; } = 0.55;
    public NoiseUnit NoisePer { get; init; } = NoiseUnit.Step;

    // Training aids (DESIGN.md 1.8b), off by default; training only, argmax inference ignores them.
    /// <summary>Selector softmax temperature at step 0, annealed linearly to 1 over <see cref="TemperatureAnnealSteps"/>.</summary>
    public double SelectorTemperature { get; init; } = 1;
    public int TemperatureAnnealSteps { get; init; }
    /// <summary>Weight w of the bonus −w·H(α_op) at step 0, annealed linearly to 0 over <see cref="EntropyAnnealSteps"/>.</summary>
    public double EntropyWeight { get; init; }
    public int EntropyAnnealSteps { get; init; }
    /// <summary>
    /// Weight w of the program memory's loss −w·log Σ_{p ∈ memory} π(p) (Programs/ProgramMemory), added to the paper's loss
    /// for questions whose memory holds a program that answers right; 0 turns the memory off.
    /// </summary>
    public double ProgramMemoryWeight { get; init; }

    public static HyperParameters Default { get; } = new();

    /// <summary>Noise variance σ²_t at unit count t (DESIGN.md 1.7).</summary>
    public double NoiseVariance(long t) => NoiseEta / Math.Pow(1 + t, NoiseGamma);

    /// <summary>The noise schedule's t after <paramref name="updates"/> updates.</summary>
    public long NoiseTime(long updates, long updatesPerEpoch) =>
        NoisePer == NoiseUnit.Step ? updates : updates / Math.Max(1, updatesPerEpoch);

    public double TemperatureAt(long update) => Anneal(SelectorTemperature, 1, TemperatureAnnealSteps, update);

    public double EntropyWeightAt(long update) => Anneal(EntropyWeight, 0, EntropyAnnealSteps, update);

    static double Anneal(double from, double to, int over, long update) =>
        over <= 0 || update >= over ? (over <= 0 ? from : to) : from + (to - from) * update / over;

    /// <summary>Every problem with these values, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string field, object value, string rule)
        {
            if (!ok) problems.Add(string.Create(CultureInfo.InvariantCulture, $"{field} = {value}: {rule}"));
        }
        void Finite(double value, string field)
        {
            if (!double.IsFinite(value)) problems.Add($"{field} = {value.ToString(CultureInfo.InvariantCulture)}: must be a finite number");
        }
        foreach (var (value, field) in new[]
                 {
                     (InitScale, nameof(InitScale)), (HuberDelta, nameof(HuberDelta)), (LookupWeight, nameof(LookupWeight)),
                     (LearningRate, nameof(LearningRate)), (Beta1, nameof(Beta1)), (Beta2, nameof(Beta2)), (Epsilon, nameof(Epsilon)),
                     (ClipNorm, nameof(ClipNorm)), (NoiseEta, nameof(NoiseEta)), (NoiseGamma, nameof(NoiseGamma)),
                     (SelectorTemperature, nameof(SelectorTemperature)), (EntropyWeight, nameof(EntropyWeight)),
                     (ProgramMemoryWeight, nameof(ProgramMemoryWeight)),
                 })
            Finite(value, field);
        if (problems.Count > 0) return problems;

        Check(Dimension is >= 1 and <= 4096, nameof(Dimension), Dimension, "must be between 1 and 4096");
        Check(Steps is >= 1 and <= 16, nameof(Steps), Steps, "must be between 1 and 16");
        Check(Enum.IsDefined(Comparison), nameof(Comparison), Comparison, "must be Expected or Paper");
        Check(InitScale is > 0 and <= 1, nameof(InitScale), InitScale, "must be in (0, 1]");
        Check(HuberDelta > 0, nameof(HuberDelta), HuberDelta, "must be positive");
        Check(LookupWeight >= 0, nameof(LookupWeight), LookupWeight, "must not be negative");
        Check(BatchSize is >= 1 and <= 100_000, nameof(BatchSize), BatchSize, "must be between 1 and 100000");
        Check(LearningRate is > 0 and <= 10, nameof(LearningRate), LearningRate, "must be in (0, 10]");
        Check(Beta1 is >= 0 and < 1, nameof(Beta1), Beta1, "must be in [0, 1)");
        Check(Beta2 is >= 0 and < 1, nameof(Beta2), Beta2, "must be in [0, 1)");
        Check(Epsilon is > 0 and <= 1, nameof(Epsilon), Epsilon, "must be in (0, 1]");
        Check(ClipNorm >= 0, nameof(ClipNorm), ClipNorm, "must not be negative (0 turns clipping off)");
        Check(NoiseEta >= 0, nameof(NoiseEta), NoiseEta, "must not be negative (0 turns noise off)");
        Check(NoiseGamma >= 0, nameof(NoiseGamma), NoiseGamma, "must not be negative");
        Check(Enum.IsDefined(NoisePer), nameof(NoisePer), NoisePer, "must be Step or Epoch");
        Check(SelectorTemperature > 0, nameof(SelectorTemperature), SelectorTemperature, "must be positive");
        Check(TemperatureAnnealSteps >= 0, nameof(TemperatureAnnealSteps), TemperatureAnnealSteps, "must not be negative");
        Check(EntropyWeight >= 0, nameof(EntropyWeight), EntropyWeight, "must not be negative");
        Check(EntropyAnnealSteps >= 0, nameof(EntropyAnnealSteps), EntropyAnnealSteps, "must not be negative");
        Check(ProgramMemoryWeight >= 0, nameof(ProgramMemoryWeight), ProgramMemoryWeight, "must not be negative (0 turns the program memory off)");
        return problems;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field.</summary>
    public HyperParameters EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0) throw new ArgumentException("Invalid hyperparameters: " + string.Join("; ", problems));
        return this;
    }
}
