using NeuralProgrammer.Model.Settings;
namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>
/// The paper's own sweep (docs/model.md 1.7) on the single-column variant: clip ∈ {1, 5, 50} × Adam ε ∈ {1e-6, 1e-8} ×
/// Huber δ ∈ {10, 25, 50} × lookup weight λ ∈ {25, 50, 75, 100} = 72 configurations, × 3 seeds = 216 trials.
/// </summary>
public static class PaperSweep
{
    public static readonly int[] Seeds = [1, 2, 3];

    public static SweepParameter[] Space { get; } =
    [
        new() { Name = "HyperParameters.ClipNorm", Values = ["1", "5", "50"] },
        new() { Name = "HyperParameters.Epsilon", Values = ["1e-6", "1e-8"] },
        new() { Name = "HyperParameters.HuberDelta", Values = ["10", "25", "50"] },
        new() { Name = "HyperParameters.LookupWeight", Values = ["25", "50", "75", "100"] },
    ];

    /// <summary>
    /// The sweep with <paramref name="steps"/> updates per trial, evaluated 5 times (so that early stopping has curves to
    /// compare), <paramref name="concurrency"/> trials at a time, and early-stopping rule <paramref name="earlyStopping"/>.
    /// </summary>
    public static SweepSpec Create(int steps, int concurrency, string earlyStopping = "none") => new()
    {
        Base = new JobSpec { Preset = "single-column" }
            .With(RunSettings.Steps.Name, $"{steps}").With(RunSettings.EvaluateEvery.Name, $"{Math.Max(1, steps / 5)}"),
        Space = Space,
        Seeds = Seeds,
        Strategy = SweepPlanner.Grid,
        Concurrency = concurrency,
        EarlyStopping = new EarlyStoppingSpec { Rule = earlyStopping },
    };
}
