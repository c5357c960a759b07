namespace NeuralProgrammer.Client;

/// <summary>
/// What <c>np sweep --print-spec</c> prints without <c>--spec</c> or <c>--paper</c>: a small sweep to start from, every
/// field commented. The spec reader skips comments (<c>SweepFiles.Json</c>), so the text runs as it is with <c>--spec</c>.
/// </summary>
public static class ExampleSweepSpec
{
    public const string Text = """
        // A sweep spec for np sweep --spec <file> (JSON; comments and trailing commas allowed, names case-insensitive).
        // This one: clip × learning rate on the single-column variant with the program memory, 2 seeds each:
        // 3 × 2 × 2 = 12 trials of 300 updates; about a minute per 4 trials on 2 cores.
        {
          // The job every trial starts from, as np train sends it: a preset and any field to change.
          "Base": {
            "Preset": "single-column-memory",
            "Steps": 300,          // updates per trial (--steps overrides)
            "EvaluateEvery": 50,   // test accuracy every 50 updates: the learning curves and early stopping use these
            "TestExamples": 500
          },
          // What to search: any job-spec field by name (Seed, Variant, Steps, ...) or HyperParameters.<Name>
          // (ClipNorm, Epsilon, HuberDelta, LookupWeight, LearningRate, NoiseEta, NoisePer, Dimension, ...).
          // A grid lists Values; a random search may give a range instead:
          //   { "Name": "HyperParameters.LearningRate", "Min": 1e-4, "Max": 1e-2, "Scale": "log" }
          "Space": [
            { "Name": "HyperParameters.ClipNorm", "Values": [1, 5, 50] },
            { "Name": "HyperParameters.LearningRate", "Values": [0.001, 0.003] }
          ],
          "Strategy": "grid",      // every combination; "random" draws Budget trials
          "Seeds": [1, 2],         // every configuration once per seed
          // "Budget": 30,         // trials of a random search (a grid runs all of its own)
          "Concurrency": 2,        // trials at once (--concurrency overrides)
          "Objective": "accuracy", // best test accuracy of a trial; or "final-accuracy", or "loss" (lower is better)
          // Stop trials whose curve is clearly worse: "none", "median" (below the median of the others at the same
          // update, once MinTrials got there) or "asha" (successive halving at MinSteps·η^k updates, η = ReductionFactor).
          "EarlyStopping": { "Rule": "median", "MinSteps": 100, "MinTrials": 3 }
        }
        """;
}
