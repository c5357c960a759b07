namespace NeuralProgrammer.Grains;

/// <summary>
/// What a client asks the cluster to train (DESIGN.md 2.2). Every field is optional: a null field takes the value of
/// <see cref="Preset"/> (<c>demo</c> or a variant name such as <c>5-columns</c>) or, without a preset, the model's
/// default. Names follow the model's <c>TrainingSpec</c> and <c>HyperParameters</c>, so an error such as
/// <c>HyperParameters.LearningRate = NaN: must be a finite number</c> names the field to fix.
/// </summary>
/// <remarks>
/// <para>Batch: <see cref="HyperParameterSpec.BatchSize"/> is the total batch B of one update (the paper's 50);
/// <see cref="BatchPerWorker"/> b is the alternative way to say it, B = K·b. Give one or both (then they must agree).
/// Worker k of K takes examples [⌊kB/K⌋, ⌊(k+1)B/K⌋) of the single-process batch, so B need not be a multiple of K:
/// the slices differ by at most one example, and the parameter server weights each worker's mean gradient by its
/// example count, which makes the average exactly the mean over the B examples.</para>
/// <para>Length: <see cref="Steps"/> updates, or <see cref="Epochs"/> passes over the training set
/// (⌊N/B⌋ updates each); not both.</para>
/// <para>No property has an initializer: grain storage serializers that skip default values (the Orleans JSON one)
/// then read back exactly what was written.</para>
/// </remarks>
[GenerateSerializer, Immutable, Alias("np.JobSpec")]
public sealed record JobSpec
{
    /// <summary><c>demo</c> or a dataset variant name (<c>single-column</c>, <c>3-columns</c>, …): the values of null fields.</summary>
    [Id(0)] public string? Preset { get; init; }
    /// <summary>Dataset variant name: single-column, 3-columns, 5-columns, 10-columns, word-variability-1, word-variability-5, text-match-2, text-match-5.</summary>
    [Id(1)] public string? Variant { get; init; }
    [Id(2)] public int? TrainingExamples { get; init; }
    [Id(3)] public int? TestExamples { get; init; }
    /// <summary>Template categories (aggregation, comparison, logic, arithmetic); null = all (or the preset's).</summary>
    [Id(4)] public string[]? Categories { get; init; }
    [Id(5)] public int? Seed { get; init; }
    /// <summary>K, the number of worker grains (default 1).</summary>
    [Id(6)] public int? Workers { get; init; }
    [Id(7)] public int? BatchPerWorker { get; init; }
    [Id(8)] public int? Steps { get; init; }
    [Id(9)] public int? Epochs { get; init; }
    [Id(10)] public int? EvaluateEvery { get; init; }
    [Id(11)] public HyperParameterSpec? HyperParameters { get; init; }
    /// <summary><c>cpu</c> or <c>cuda[:N]</c>; null = the silo's <c>Torch:Device</c> (default cpu).</summary>
    [Id(12)] public string? Device { get; init; }
}

/// <summary>The model's hyperparameters (DESIGN.md 1.2, 1.5, 1.7, 1.8b), each optional; null keeps the preset's or the default.</summary>
[GenerateSerializer, Immutable, Alias("np.HyperParameterSpec")]
public sealed record HyperParameterSpec
{
    [Id(0)] public int? Dimension { get; init; }
    /// <summary>T, the number of program steps (the paper: 4).</summary>
    [Id(1)] public int? Steps { get; init; }
    [Id(2)] public bool? BidirectionalQuestion { get; init; }
    [Id(3)] public bool? QuestionAttention { get; init; }
    /// <summary><c>expected</c> or <c>paper</c>.</summary>
    [Id(4)] public string? Comparison { get; init; }
    [Id(5)] public double? InitScale { get; init; }
    /// <summary>δ of the Huber loss.</summary>
    [Id(6)] public double? HuberDelta { get; init; }
    /// <summary>λ, the weight of the lookup loss.</summary>
    [Id(7)] public double? LookupWeight { get; init; }
    /// <summary>B, the total batch of one update over all workers.</summary>
    [Id(8)] public int? BatchSize { get; init; }
    [Id(9)] public double? LearningRate { get; init; }
    [Id(10)] public double? Beta1 { get; init; }
    [Id(11)] public double? Beta2 { get; init; }
    /// <summary>Adam ε.</summary>
    [Id(12)] public double? Epsilon { get; init; }
    /// <summary>Global-norm clipping threshold; 0 = off.</summary>
    [Id(13)] public double? ClipNorm { get; init; }
    /// <summary>η of the gradient noise σ²_t = η/(1+t)^γ; 0 = off.</summary>
    [Id(14)] public double? NoiseEta { get; init; }
    /// <summary>γ of the gradient noise.</summary>
    [Id(15)] public double? NoiseGamma { get; init; }
    /// <summary><c>step</c> or <c>epoch</c>: what t counts in the noise schedule.</summary>
    [Id(16)] public string? NoisePer { get; init; }
    [Id(17)] public double? SelectorTemperature { get; init; }
    [Id(18)] public int? TemperatureAnnealSteps { get; init; }
    [Id(19)] public double? EntropyWeight { get; init; }
    [Id(20)] public int? EntropyAnnealSteps { get; init; }
    /// <summary>Weight of the program memory's loss; 0 = off.</summary>
    [Id(21)] public double? ProgramMemoryWeight { get; init; }
}
