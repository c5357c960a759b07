using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Settings;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// Everything that shapes a model and its training, in one immutable record (docs/model.md 1.2, 1.5, 1.7, 1.8b).
/// Defaults are the paper's where it gives one; each property's name, range, help and console option are defined
/// in <see cref="RunSettings"/>.
/// </summary>
public sealed record HyperParameters
{
    // Network (docs/model.md 1.2)
    public int Dimension { get; init; } = 256;
    public int Steps { get; init; } = 4;
    public bool BidirectionalQuestion { get; init; }
    public bool QuestionAttention { get; init; }
    public ComparisonMode Comparison { get; init; } = ComparisonMode.Expected;
    public double InitScale { get; init; } = 0.1;

    // Loss (docs/model.md 1.5)
    public double HuberDelta { get; init; } = 10;
    public double LookupWeight { get; init; } = 50;

    // Optimiser (docs/model.md 1.7)
    public int BatchSize { get; init; } = 50;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Updates over which the learning rate halves, lr·2^(−t/H); 0 keeps it constant (the paper).</summary>
    public int LearningRateHalfLife { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-6;
    /// <summary>Global-norm clipping threshold; 0 turns clipping off.</summary>
    public double ClipNorm { get; init; } = 5;

    // Gradient noise σ²_t = η/(1+t)^γ, after clipping; η = 0 turns it off.
    public double NoiseEta { get; init; } = 1.0;
    public double NoiseGamma { get; init; } = 0.55;
    public NoiseUnit NoisePer { get; init; } = NoiseUnit.Step;

    // Training aids (docs/model.md 1.8b), off by default; training only, argmax inference ignores them.
    /// <summary>Selector softmax temperature at step 0, annealed linearly to 1 over <see cref="TemperatureAnnealSteps"/>.</summary>
    public double SelectorTemperature { get; init; } = 1;
    /// <summary>
    /// Temperature of text match's attention over the question words (docs/model.md 1.4) at step 0, annealed linearly
    /// to 1 over <see cref="TemperatureAnnealSteps"/> (docs/model.md 1.8b.5).
    /// </summary>
    public double TextMatchTemperature { get; init; } = 1;
    /// <summary>Updates over which the selector and text-match temperatures anneal to 1 (0: they stay at their start).</summary>
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

    /// <summary>Noise variance σ²_t at unit count t (docs/model.md 1.7).</summary>
    public double NoiseVariance(long t) => NoiseEta / Math.Pow(1 + t, NoiseGamma);

    /// <summary>The noise schedule's t after <paramref name="updates"/> updates.</summary>
    public long NoiseTime(long updates, long updatesPerEpoch) =>
        NoisePer == NoiseUnit.Step ? updates : updates / Math.Max(1, updatesPerEpoch);

    public double TemperatureAt(long update) => Anneal(SelectorTemperature, 1, TemperatureAnnealSteps, update);

    public double TextMatchTemperatureAt(long update) => Anneal(TextMatchTemperature, 1, TemperatureAnnealSteps, update);

    public double EntropyWeightAt(long update) => Anneal(EntropyWeight, 0, EntropyAnnealSteps, update);

    static double Anneal(double from, double to, int over, long update) =>
        over <= 0 || update >= over ? (over <= 0 ? from : to) : from + (to - from) * update / over;

    /// <summary>Every problem with these values, each naming its setting (<see cref="RunSettings"/>); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var spec = new TrainingSpec { HyperParameters = this };
        return RunSettings.All.Where(s => s.Name.StartsWith(RunSettings.HyperParametersPrefix, StringComparison.Ordinal))
            .Select(s => s.Problem(spec)).OfType<string>().ToList();
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid field.</summary>
    public HyperParameters EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0) throw new ArgumentException("Invalid hyperparameters: " + string.Join("; ", problems));
        return this;
    }
}
