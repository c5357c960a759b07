using System.Globalization;
using NeuralProgrammer.Model.Settings;

namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>
/// What a sweep may search, by the names job specs and their errors use: every searchable setting of the model's
/// <see cref="RunSettings"/> (<c>Seed</c>, <c>Variant</c>, <c>Steps</c>, <c>HyperParameters.ClipNorm</c>, …) and the
/// job's own <c>Workers</c>, <c>BatchPerWorker</c> and <c>Epochs</c>. A setting defined there is searchable at once.
/// Names match case-insensitively and are reported in their canonical spelling.
/// </summary>
public static class SweepParameters
{
    public const string HyperParametersPrefix = RunSettings.HyperParametersPrefix;

    static readonly string[] JobFields = [nameof(JobSpec.Workers), nameof(JobSpec.BatchPerWorker), nameof(JobSpec.Epochs)];

    static readonly Dictionary<string, SettingKind> Fields =
        RunSettings.All.Where(s => s.Searchable).Select(s => (s.Name, s.Kind))
            .Concat(JobFields.Select(name => (name, SettingKind.Integer)))
            .ToDictionary(f => f.Item1, f => f.Item2, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every searchable name: the settings in their definitions' order, then the job's own.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. RunSettings.All.Where(s => s.Searchable).Select(s => s.Name), .. JobFields];

    /// <summary>The canonical spelling and kind of <paramref name="name"/>, or false when no such field can be searched.</summary>
    public static bool TryResolve(string? name, out string canonical, out SettingKind kind)
    {
        canonical = name is null ? "" : Names.FirstOrDefault(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase)) ?? "";
        return Fields.TryGetValue(canonical, out kind);
    }

    /// <summary>A hint for an unknown name: the full name when only the prefix is missing or wrong, else the list of names.</summary>
    public static string Suggest(string? name) => RunSettings.Suggest(name, Names).Replace("valid names:", "searchable names:", StringComparison.Ordinal);

    /// <summary>Reads <paramref name="text"/> as a value of <paramref name="kind"/>; returns the problem, or null.</summary>
    public static string? TryParse(SettingKind kind, string? text, out object? value)
    {
        value = null;
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return "empty value";
        switch (kind)
        {
            case SettingKind.Integer:
                if (int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) { value = i; return null; }
                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Round(d) && d is >= int.MinValue and <= int.MaxValue)
                {
                    value = (int)d;
                    return null;
                }
                return "not an integer";
            case SettingKind.Real:
                if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)) return "not a number";
                if (!double.IsFinite(r)) return "must be a finite number";
                value = r;
                return null;
            case SettingKind.Boolean:
                if (bool.TryParse(t, out var b)) { value = b; return null; }
                return "not true or false";
            default:
                value = t;
                return null;
        }
    }

    /// <summary>The canonical text of a value (invariant culture, shortest round-trip form for numbers).</summary>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary><paramref name="spec"/> with field <paramref name="name"/> set to <paramref name="text"/> (parsed by its kind).</summary>
    public static JobSpec Apply(JobSpec spec, string name, string text)
    {
        if (!TryResolve(name, out var canonical, out var kind)) throw new ArgumentException($"'{name}' is not a searchable field; {Suggest(name)}", nameof(name));
        if (TryParse(kind, text, out var value) is { } problem) throw new ArgumentException($"{canonical} = '{text}': {problem}", nameof(text));
        return canonical switch
        {
            nameof(JobSpec.Workers) => spec with { Workers = (int)value! },
            nameof(JobSpec.BatchPerWorker) => spec with { BatchPerWorker = (int)value! },
            nameof(JobSpec.Epochs) => spec with { Epochs = (int)value! },
            _ => spec.With(canonical, Format(value!)),
        };
    }

    /// <summary><paramref name="spec"/> with every assignment applied in order.</summary>
    public static JobSpec Apply(JobSpec spec, IEnumerable<SweepAssignment> assignments) =>
        assignments.Aggregate(spec, (s, a) => Apply(s, a.Name, a.Value));
}
