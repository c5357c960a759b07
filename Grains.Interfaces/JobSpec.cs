using System.Text.Json.Serialization;

namespace NeuralProgrammer.Grains;

/// <summary>
/// What a client asks the cluster to train (docs/architecture.md 2.2): a preset, the run's settings by name, and how to
/// spread it over workers. <see cref="Settings"/> maps a setting's name (<c>Seed</c>, <c>Steps</c>,
/// <c>HyperParameters.ClipNorm</c>: the names of the model's <c>RunSettings</c>) to its value as text; a setting
/// not given takes the value of <see cref="Preset"/> (<c>demo</c> or a variant name such as <c>5-columns</c>) or,
/// without a preset, the model's default. Errors name the setting to fix
/// (<c>HyperParameters.LearningRate = 'NaN': must be a finite number</c>).
/// </summary>
/// <remarks>
/// <para>In JSON a job spec reads as before: settings are properties, hyperparameters nested under
/// <c>HyperParameters</c>, values numbers, booleans or strings (<see cref="JobSpecJsonConverter"/>).</para>
/// <para>Batch: <c>HyperParameters.BatchSize</c> is the total batch B of one update (the paper's 50);
/// <see cref="BatchPerWorker"/> b is the alternative way to say it, B = K·b. Give one or both (then they must agree).
/// Worker k of K takes examples [⌊kB/K⌋, ⌊(k+1)B/K⌋) of the single-process batch, so B need not be a multiple of K:
/// the slices differ by at most one example, and the parameter server weights each worker's mean gradient by its
/// example count, which makes the average exactly the mean over the B examples.</para>
/// <para>Length: <c>Steps</c> updates, or <see cref="Epochs"/> passes over the training set (⌊N/B⌋ updates each); not both.</para>
/// <para>No property has an initializer: grain storage serializers that skip default values then read back exactly what was written.</para>
/// </remarks>
[GenerateSerializer, Immutable, Alias("np.JobSpec")]
[JsonConverter(typeof(JobSpecJsonConverter))]
public sealed record JobSpec
{
    /// <summary><c>demo</c>, a dataset variant name (<c>single-column</c>, <c>3-columns</c>, …) or a variant with <c>-memory</c>: the values of settings not given.</summary>
    [Id(0)] public string? Preset { get; init; }
    /// <summary>K, the number of worker grains (default 1).</summary>
    [Id(1)] public int? Workers { get; init; }
    [Id(2)] public int? BatchPerWorker { get; init; }
    [Id(3)] public int? Epochs { get; init; }
    /// <summary>Setting name → value in the invariant culture (<c>1e-06</c>, <c>expected</c>, <c>true</c>).</summary>
    [Id(4)] public Dictionary<string, string>? Settings { get; init; }

    /// <summary>This spec with setting <paramref name="name"/> set to <paramref name="value"/> (null removes it).</summary>
    public JobSpec With(string name, string? value)
    {
        var settings = new Dictionary<string, string>(Settings ?? [], StringComparer.Ordinal);
        var key = settings.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) ?? name;
        if (value is null) settings.Remove(key);
        else settings[key] = value;
        return this with { Settings = settings };
    }

    /// <summary>The value given for setting <paramref name="name"/> (case ignored), or null.</summary>
    public string? this[string name] =>
        Settings?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool Equals(JobSpec? other) =>
        other is not null && Preset == other.Preset && Workers == other.Workers && BatchPerWorker == other.BatchPerWorker && Epochs == other.Epochs
        && (Settings ?? []).Count == (other.Settings ?? []).Count
        && (Settings ?? []).All(p => other.Settings!.TryGetValue(p.Key, out var v) && v == p.Value);

    public override int GetHashCode() => HashCode.Combine(Preset, Workers, BatchPerWorker, Epochs, Settings?.Count ?? 0);
}
