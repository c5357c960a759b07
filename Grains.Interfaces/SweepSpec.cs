namespace NeuralProgrammer.Grains;

/// <summary>
/// A hyperparameter sweep (docs/model.md 1.7, docs/architecture.md 2.2): trials of <see cref="Base"/> with the values of <see cref="Space"/>,
/// each run as a training job on the cluster, at most <see cref="Concurrency"/> at a time. Every field but
/// <see cref="Base"/> and <see cref="Space"/> is optional. Problems are reported naming the field
/// (<c>Space[1].Min = 0: a log range needs positive bounds</c>).
/// </summary>
/// <remarks>
/// <para>Trials. <c>grid</c> (the default when every parameter lists <see cref="SweepParameter.Values"/>) runs every
/// combination, the first parameter varying slowest; <c>random</c> (the default when a parameter has a range) draws
/// <see cref="Budget"/> trials, a value per parameter: uniform over <see cref="SweepParameter.Values"/>, or over the
/// range on a linear or log scale. With <see cref="Seeds"/>, every configuration runs once per seed (seed varying
/// fastest), so the paper's 72 configurations × 3 seeds are 216 trials.</para>
/// <para>No property has an initializer, as in <see cref="JobSpec"/>: storage serializers that skip default values
/// read back exactly what was written.</para>
/// </remarks>
[GenerateSerializer, Immutable, Alias("np.SweepSpec")]
public sealed record SweepSpec
{
    /// <summary>The job every trial starts from; the search space's values replace its fields.</summary>
    [Id(0)] public JobSpec? Base { get; init; }
    [Id(1)] public SweepParameter[]? Space { get; init; }
    /// <summary><c>grid</c> or <c>random</c>; null: grid when every parameter lists values, random when one has a range.</summary>
    [Id(2)] public string? Strategy { get; init; }
    /// <summary>Seeds every configuration runs with (overriding <see cref="JobSpec.Seed"/>); null: the base spec's seed only.</summary>
    [Id(3)] public int[]? Seeds { get; init; }
    /// <summary>How many trials at most. Grid: the grid's size by default, and not fewer; random: required, a multiple of the number of seeds.</summary>
    [Id(4)] public int? Budget { get; init; }
    /// <summary>Trials running at once (default 2, or fewer when there are fewer trials); at most <see cref="Budget"/>.</summary>
    [Id(5)] public int? Concurrency { get; init; }
    /// <summary>
    /// What ranks trials: <c>accuracy</c> (default: the best test accuracy of the trial's evaluations),
    /// <c>final-accuracy</c> (its last evaluation) or <c>loss</c> (the training loss at its last evaluation, lower is better).
    /// </summary>
    [Id(6)] public string? Objective { get; init; }
    /// <summary>Stopping trials whose curve is clearly worse; null or rule <c>none</c>: every trial runs to the end.</summary>
    [Id(7)] public EarlyStoppingSpec? EarlyStopping { get; init; }
    /// <summary>Seed of the random search's draws (default 0); the same seed draws the same trials.</summary>
    [Id(8)] public int? RandomSeed { get; init; }
}

/// <summary>
/// One searched field. <see cref="Name"/> is a field of <see cref="JobSpec"/> as the job spec's errors name it
/// (<c>Seed</c>, <c>Variant</c>, <c>Steps</c>, <c>HyperParameters.ClipNorm</c>, <c>HyperParameters.NoisePer</c>, …).
/// Give either <see cref="Values"/> (a grid list, or categorical choices for random search) or a range
/// <see cref="Min"/>..<see cref="Max"/> (random search only) on <see cref="Scale"/> <c>linear</c> (default) or <c>log</c>.
/// </summary>
/// <remarks>Values are text in the invariant culture (<c>1e-06</c>, <c>expected</c>, <c>true</c>); a JSON spec may write them as numbers, strings or booleans.</remarks>
[GenerateSerializer, Immutable, Alias("np.SweepParameter")]
public sealed record SweepParameter
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string[]? Values { get; init; }
    [Id(2)] public double? Min { get; init; }
    [Id(3)] public double? Max { get; init; }
    /// <summary><c>linear</c> (default) or <c>log</c> (needs positive bounds).</summary>
    [Id(4)] public string? Scale { get; init; }
}

/// <summary>
/// Early stopping on the trials' evaluation steps. <c>median</c>: a trial whose best objective so far is worse than
/// the median of the other trials' running means at the same step is stopped (the median stopping rule of Google
/// Vizier; trials stopped early do not count towards the median). <c>asha</c>: asynchronous successive halving — at
/// rungs of <see cref="MinSteps"/>·η^k steps a trial goes on only if it is in the top 1/η of the trials that reached
/// that rung so far.
/// </summary>
[GenerateSerializer, Immutable, Alias("np.EarlyStoppingSpec")]
public sealed record EarlyStoppingSpec
{
    /// <summary><c>none</c>, <c>median</c> or <c>asha</c>.</summary>
    [Id(0)] public string? Rule { get; init; }
    /// <summary>No trial is stopped before this many updates; ASHA's first rung. Default: the trials' EvaluateEvery.</summary>
    [Id(1)] public int? MinSteps { get; init; }
    /// <summary>Median rule: other trials needed at a step before it stops anything (default 3).</summary>
    [Id(2)] public int? MinTrials { get; init; }
    /// <summary>ASHA's η: rungs η× apart, the top 1/η promoted (default 3).</summary>
    [Id(3)] public int? ReductionFactor { get; init; }
}
