using System.CommandLine;
using NeuralProgrammer.Model.Settings;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client;

/// <summary>
/// The options that describe a training run: <c>--preset</c>, and one option per setting of
/// <see cref="RunSettings"/>, named, described and read by its definition. They turn into a <see cref="TrainingSpec"/>.
/// </summary>
public sealed class TrainOptions
{
    public Option<string> Preset { get; } = new("--preset") { Description = $"Starting point: {string.Join(", ", TrainingPresets.Names)}", DefaultValueFactory = _ => "quickstart" };

    /// <summary>Each setting with its option; the value is read as text and parsed by the setting, so that errors name it.</summary>
    public IReadOnlyList<(Setting Setting, Option<string?> Option)> Settings { get; } = RunSettings.All.Select(s => (s, Create(s))).ToArray();

    public IEnumerable<Option> All => [Preset, .. Settings.Select(s => s.Option)];

    public Option<string?> OptionOf(Setting setting) => Settings.First(s => s.Setting == setting).Option;

    static Option<string?> Create(Setting setting)
    {
        var choices = setting.Choices is { } names ? $": {string.Join(", ", names)}" : "";
        var paper = setting.Paper is { } values ? $" (paper: {values})" : "";
        var option = new Option<string?>(setting.Option)
        {
            Description = $"{setting.Help}{choices}{paper}; default: the preset's",
            HelpName = setting.Kind.ToString().ToLowerInvariant(),
        };
        // A flag alone means true: --bidirectional, or --bidirectional false.
        if (setting.Kind == SettingKind.Boolean) option.Arity = ArgumentArity.ZeroOrOne;
        return option;
    }

    /// <summary>
    /// The preset with every given option applied, validated; throws <see cref="ArgumentException"/> naming the bad
    /// option. A variant named without a preset starts from that variant's paper preset.
    /// </summary>
    public TrainingSpec ToSpec(ParseResult parse)
    {
        var variant = Text(parse, RunSettings.Variant);
        var spec = variant is not null && parse.GetResult(Preset) is not { Implicit: false }
            ? TrainingPresets.Paper(RunSettings.Variant.Get(Apply(new TrainingSpec(), RunSettings.Variant, variant)))
            : TrainingPresets.Get(parse.GetValue(Preset)!);
        foreach (var (setting, _) in Settings)
            if (Text(parse, setting) is { } text) spec = Apply(spec, setting, text);
        return spec.EnsureValid();
    }

    string? Text(ParseResult parse, Setting setting) =>
        parse.GetResult(OptionOf(setting)) is { Implicit: false } result
            ? result.Tokens.Count == 0 && setting.Kind == SettingKind.Boolean ? "true" : parse.GetValue(OptionOf(setting))
            : null;

    static TrainingSpec Apply(TrainingSpec spec, Setting setting, string text) =>
        setting.TryApply(spec, text, out var applied, out var problem)
            ? applied
            : throw new ArgumentException($"{setting.Option} {problem[(setting.Name.Length + 3)..]}");
}
