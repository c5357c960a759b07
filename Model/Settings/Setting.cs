using System.Globalization;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Model.Settings;

/// <summary>What kind of value a setting holds: how it is written on the command line and in JSON, and how a sweep searches it.</summary>
public enum SettingKind { Integer, Real, Boolean, Choice, List, Text }

/// <summary>
/// One setting of a training run, defined once (<see cref="RunSettings"/>): its name in job and sweep specs, errors
/// and <c>result.json</c> (<c>Seed</c>, <c>HyperParameters.ClipNorm</c>), its console option (<c>--clip</c>), its
/// kind, valid range, help and the paper's values, and where it lives in a <see cref="TrainingSpec"/>. The console
/// options, the job and sweep specs, the sweep's parameter names and validation all follow from these definitions;
/// the default is the <see cref="TrainingSpec"/>'s own.
/// </summary>
public abstract class Setting(string name, string option, SettingKind kind, string help, string? paper, bool searchable)
{
    /// <summary>The name in specs and errors: a <see cref="TrainingSpec"/> property, or <c>HyperParameters.</c> and a <see cref="HyperParameters"/> property.</summary>
    public string Name { get; } = name;
    /// <summary>The console option, e.g. <c>--clip</c>.</summary>
    public string Option { get; } = option;
    public SettingKind Kind { get; } = kind;
    public string Help { get; } = help;
    /// <summary>The values the paper uses or sweeps, as the paper states them (null where it says nothing).</summary>
    public string? Paper { get; } = paper;
    /// <summary>Whether a sweep may search it.</summary>
    public bool Searchable { get; } = searchable;
    /// <summary>The valid values of a <see cref="SettingKind.Choice"/>; null for other kinds.</summary>
    public virtual IReadOnlyList<string>? Choices => null;

    /// <summary>The value's canonical text: invariant culture, shortest round-trip numbers, lower-case names.</summary>
    public abstract string Format(TrainingSpec spec);

    /// <summary>The default's canonical text (the value in a new <see cref="TrainingSpec"/>).</summary>
    public string Default => Format(new TrainingSpec());

    /// <summary>What is wrong with the value <paramref name="spec"/> holds, as <c>Name = value: rule</c>; null when valid.</summary>
    public abstract string? Problem(TrainingSpec spec);

    /// <summary>
    /// Reads <paramref name="text"/> and sets it in <paramref name="spec"/>; false with the problem when it cannot be read
    /// (<c>Name = 'text': not a number</c>) or is out of range (<c>Name = value: rule</c>).
    /// </summary>
    public abstract bool TryApply(TrainingSpec spec, string text, out TrainingSpec result, out string problem);

    /// <summary><see cref="TryApply"/>, throwing an <see cref="ArgumentException"/> that names the setting.</summary>
    public TrainingSpec Apply(TrainingSpec spec, string text) =>
        TryApply(spec, text, out var result, out var problem) ? result : throw new ArgumentException(problem);

    public override string ToString() => Name;

    internal static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
}

/// <summary>A setting of type <typeparamref name="T"/>: how to read, write, check and reach its value.</summary>
public sealed class Setting<T>(
    string name, string option, SettingKind kind, string help, string? paper, bool searchable,
    Func<TrainingSpec, T> get, Func<TrainingSpec, T, TrainingSpec> set,
    Parser<T> parse, Func<T, string> format, Func<T, string?> check, IReadOnlyList<string>? choices = null)
    : Setting(name, option, kind, help, paper, searchable)
{
    public override IReadOnlyList<string>? Choices => choices;

    public T Get(TrainingSpec spec) => get(spec);

    public TrainingSpec Set(TrainingSpec spec, T value) => set(spec, value);

    public override string Format(TrainingSpec spec) => format(get(spec));

    public override string? Problem(TrainingSpec spec) => check(get(spec)) is { } rule ? $"{Name} = {format(get(spec))}: {rule}" : null;

    public override bool TryApply(TrainingSpec spec, string text, out TrainingSpec result, out string problem)
    {
        result = spec;
        var trimmed = text?.Trim() ?? "";
        T value = default!;
        if ((trimmed.Length == 0 ? "empty value" : parse(trimmed, out value)) is { } unreadable)
        {
            problem = $"{Name} = '{text}': {unreadable}";
            return false;
        }
        if (check(value) is { } rule)
        {
            problem = $"{Name} = {format(value)}: {rule}";
            return false;
        }
        (result, problem) = (set(spec, value), "");
        return true;
    }
}

/// <summary>Reads a setting's text: returns the problem, or null with the value.</summary>
public delegate string? Parser<T>(string text, out T value);
