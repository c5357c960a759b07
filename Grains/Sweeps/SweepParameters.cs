using System.Globalization;
using System.Reflection;

namespace NeuralProgrammer.Grains.Sweeps;

/// <summary>The kind of value a searchable field holds.</summary>
public enum ParameterKind { Integer, Real, Boolean, Text }

/// <summary>
/// The fields of <see cref="JobSpec"/> a sweep may search, by the names the job spec's errors use: the top-level
/// numbers and names (<c>Seed</c>, <c>Variant</c>, <c>Steps</c>, …) and every field of
/// <see cref="HyperParameterSpec"/> as <c>HyperParameters.X</c>. Found by reflection, so a hyperparameter added to
/// the spec is searchable at once. Names match case-insensitively and are reported in their canonical spelling.
/// </summary>
public static class SweepParameters
{
    public const string HyperParametersPrefix = "HyperParameters.";

    /// <summary>Top-level fields that can be searched (Preset, Device and Categories cannot).</summary>
    static readonly string[] TopLevel =
    [
        nameof(JobSpec.Seed), nameof(JobSpec.Variant), nameof(JobSpec.TrainingExamples), nameof(JobSpec.TestExamples),
        nameof(JobSpec.Workers), nameof(JobSpec.BatchPerWorker), nameof(JobSpec.Steps), nameof(JobSpec.Epochs), nameof(JobSpec.EvaluateEvery),
    ];

    sealed record Field(string Name, PropertyInfo Property, bool Nested, ParameterKind Kind);

    static readonly Dictionary<string, Field> Fields = Build();

    static Dictionary<string, Field> Build()
    {
        var fields = new Dictionary<string, Field>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in TopLevel)
        {
            var property = typeof(JobSpec).GetProperty(name)!;
            fields[name] = new Field(name, property, false, KindOf(property));
        }
        foreach (var property in typeof(HyperParameterSpec).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || property.Name == "EqualityContract") continue;
            var name = HyperParametersPrefix + property.Name;
            fields[name] = new Field(name, property, true, KindOf(property));
        }
        return fields;
    }

    static ParameterKind KindOf(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(int)) return ParameterKind.Integer;
        if (type == typeof(double)) return ParameterKind.Real;
        if (type == typeof(bool)) return ParameterKind.Boolean;
        if (type == typeof(string)) return ParameterKind.Text;
        throw new NotSupportedException($"{property.DeclaringType?.Name}.{property.Name} has type {property.PropertyType}, which a sweep cannot search.");
    }

    /// <summary>Every searchable name: the top-level ones, then the hyperparameters, in the specs' order.</summary>
    public static IReadOnlyList<string> Names { get; } = Fields.Values.Select(f => f.Name).ToArray();

    /// <summary>The canonical spelling and kind of <paramref name="name"/>, or false when no such field can be searched.</summary>
    public static bool TryResolve(string? name, out string canonical, out ParameterKind kind)
    {
        if (name is not null && Fields.TryGetValue(name.Trim(), out var field))
        {
            (canonical, kind) = (field.Name, field.Kind);
            return true;
        }
        (canonical, kind) = ("", default);
        return false;
    }

    /// <summary>A hint for an unknown name: the full name when only the prefix is missing or wrong, else the list of names.</summary>
    public static string Suggest(string? name)
    {
        var bare = (name ?? "").Trim();
        int dot = bare.LastIndexOf('.');
        if (dot >= 0) bare = bare[(dot + 1)..];
        var match = Fields.Values.FirstOrDefault(f => string.Equals(f.Property.Name, bare, StringComparison.OrdinalIgnoreCase));
        return match is not null ? $"did you mean {match.Name}?" : $"searchable names: {string.Join(", ", Names)}";
    }

    /// <summary>Reads <paramref name="text"/> as a value of <paramref name="kind"/>; returns the problem, or null.</summary>
    public static string? TryParse(ParameterKind kind, string? text, out object? value)
    {
        value = null;
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return "empty value";
        switch (kind)
        {
            case ParameterKind.Integer:
                if (int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)) { value = i; return null; }
                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Round(d) && d is >= int.MinValue and <= int.MaxValue)
                {
                    value = (int)d;
                    return null;
                }
                return "not an integer";
            case ParameterKind.Real:
                if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)) return "not a number";
                if (!double.IsFinite(r)) return "must be a finite number";
                value = r;
                return null;
            case ParameterKind.Boolean:
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
        if (!Fields.TryGetValue(name, out var field)) throw new ArgumentException($"'{name}' is not a searchable field; {Suggest(name)}", nameof(name));
        if (TryParse(field.Kind, text, out var value) is { } problem) throw new ArgumentException($"{field.Name} = '{text}': {problem}", nameof(text));
        if (!field.Nested)
        {
            var copy = spec with { };
            field.Property.SetValue(copy, value);
            return copy;
        }
        var h = (spec.HyperParameters ?? new HyperParameterSpec()) with { };
        field.Property.SetValue(h, value);
        return spec with { HyperParameters = h };
    }

    /// <summary><paramref name="spec"/> with every assignment applied in order.</summary>
    public static JobSpec Apply(JobSpec spec, IEnumerable<SweepAssignment> assignments) =>
        assignments.Aggregate(spec, (s, a) => Apply(s, a.Name, a.Value));
}
