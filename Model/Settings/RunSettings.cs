using System.Globalization;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Model.Settings;

/// <summary>
/// Every setting of a training run, each defined once (docs/model.md 1.2, 1.5, 1.7, 1.8b for the hyperparameters).
/// Adding a setting: a property with its default in <see cref="TrainingSpec"/> or <see cref="HyperParameters"/>, and
/// its definition here; <c>np train</c>'s options, job and sweep specs, validation and <c>result.json</c> follow.
/// </summary>
public static class RunSettings
{
    public const string HyperParametersPrefix = "HyperParameters.";

    public static Setting<DatasetVariant> Variant { get; } = new(
        nameof(TrainingSpec.Variant), "--variant", SettingKind.Choice,
        "Dataset variant; named without --preset, it starts from the variant's paper preset", null, searchable: true,
        s => s.Variant, (s, v) => s with { Variant = v },
        (string text, out DatasetVariant v) => DatasetVariants.TryParse(text, out v) ? null : $"unknown dataset variant; valid variants: {string.Join(", ", DatasetVariants.Names)}",
        v => Enum.IsDefined(v) ? v.Name() : v.ToString(), v => Enum.IsDefined(v) ? null : "unknown dataset variant", DatasetVariants.Names);

    /// <summary>Written in <see cref="TemplateCategory"/> order, all of them when none are chosen: the generator reads them so.</summary>
    public static Setting<IReadOnlyList<TemplateCategory>?> Categories { get; } = new(
        nameof(TrainingSpec.Categories), "--categories", SettingKind.List,
        "Comma-separated template categories (aggregation, comparison, logic, arithmetic)", null, searchable: false,
        s => s.Categories, (s, v) => s with { Categories = v }, ParseCategories,
        v => string.Join(',', Enum.GetValues<TemplateCategory>().Where(c => v?.Contains(c) ?? true)).ToLowerInvariant(),
        v => v is { Count: 0 } ? "empty; leave it out to train on all categories" : null);

    public static Setting<int> TrainingExamples { get; } = Integer(Run(s => s.TrainingExamples, (s, v) => s with { TrainingExamples = v }),
        nameof(TrainingSpec.TrainingExamples), "--train-size", 1, int.MaxValue, "Training examples generated once and cycled through", "50,000");
    public static Setting<int> TestExamples { get; } = Integer(Run(s => s.TestExamples, (s, v) => s with { TestExamples = v }),
        nameof(TrainingSpec.TestExamples), "--test-size", 1, int.MaxValue, "Test examples (fresh tables, the paper's test distribution)");
    public static Setting<int> ValidationExamples { get; } = Integer(Run(s => s.ValidationExamples, (s, v) => s with { ValidationExamples = v }),
        nameof(TrainingSpec.ValidationExamples), "--validation-size", 0, int.MaxValue,
        "Validation examples (the test distribution, drawn apart from the test set) evaluated with it to choose the best checkpoint, 0 = none");
    public static Setting<double> RealDataShare { get; } = Real(Run(s => s.RealDataShare, (s, v) => s with { RealDataShare = v }),
        nameof(TrainingSpec.RealDataShare), "--real-data", v => v is >= 0 and <= 1, "must be in [0, 1]",
        "Share of training tables drawn like real data (repeated values, ties at the pivot), 0 = the paper's tables only", "0");
    public static Setting<int> Seed { get; } = Integer(Run(s => s.Seed, (s, v) => s with { Seed = v }),
        nameof(TrainingSpec.Seed), "--seed", int.MinValue, int.MaxValue, "Seed of data, initial weights, minibatch order and noise");
    public static Setting<int> Steps { get; } = Integer(Run(s => s.Steps, (s, v) => s with { Steps = v }),
        nameof(TrainingSpec.Steps), "--steps", 1, int.MaxValue, "Updates to train");
    public static Setting<int> EvaluateEvery { get; } = Integer(Run(s => s.EvaluateEvery, (s, v) => s with { EvaluateEvery = v }),
        nameof(TrainingSpec.EvaluateEvery), "--eval-every", 1, int.MaxValue, "Evaluate on the test set every N updates");

    public static Setting<string> Device { get; } = new(
        nameof(TrainingSpec.Device), "--device", SettingKind.Text, "Torch device: cpu, cuda or cuda:N", null, searchable: false,
        s => s.Device, (s, v) => s with { Device = v },
        (string text, out string v) =>
        {
            v = text.ToLowerInvariant();
            return v is "cpu" or "cuda" || (v.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(v[5..], out var index) && index >= 0)
                ? null : "expected cpu, cuda or cuda:N";
        },
        v => v, _ => null);

    public static Setting<WireFormat> Transport { get; } = Choice(Run(s => s.Transport, (s, v) => s with { Transport = v }),
        nameof(TrainingSpec.Transport), "--transport",
        "How a cluster job sends weights and gradients: float32, or bfloat16 / float16 for half the bytes (the server keeps float32)");

    public static Setting<int> Shards { get; } = Integer(Run(s => s.Shards, (s, v) => s with { Shards = v }),
        nameof(TrainingSpec.Shards), "--shards", 0, 64,
        "Parameter-server shards of a cluster job, each owning a slice of the weights, spread over the silos; 0 = chosen from the workers and the model's size");

    // The network (docs/model.md 1.2)
    public static Setting<int> Dimension { get; } = Integer(Hyper(h => h.Dimension, (h, v) => h with { Dimension = v }),
        "Dimension", "--dim", 1, 4096, "Hidden size d", "256");
    public static Setting<int> ProgramSteps { get; } = Integer(Hyper(h => h.Steps, (h, v) => h with { Steps = v }),
        "Steps", "--program-steps", 1, 16, "T, the number of program steps", "4");
    public static Setting<bool> BidirectionalQuestion { get; } = Boolean(Hyper(h => h.BidirectionalQuestion, (h, v) => h with { BidirectionalQuestion = v }),
        "BidirectionalQuestion", "--bidirectional", "Bidirectional question RNN", "from 5 columns");
    public static Setting<bool> QuestionAttention { get; } = Boolean(Hyper(h => h.QuestionAttention, (h, v) => h with { QuestionAttention = v }),
        "QuestionAttention", "--attention", "Attention over the question RNN's states", "10 columns");
    public static Setting<ComparisonMode> Comparison { get; } = Choice(Hyper(h => h.Comparison, (h, v) => h with { Comparison = v }),
        "Comparison", "--comparison", "How comparisons weigh the pivot");
    public static Setting<double> InitScale { get; } = Real(Hyper(h => h.InitScale, (h, v) => h with { InitScale = v }),
        "InitScale", "--init-scale", v => v is > 0 and <= 1, "must be in (0, 1]", "Weights start uniform in [-s, s]", "0.1");

    // The loss (docs/model.md 1.5)
    public static Setting<double> HuberDelta { get; } = Real(Hyper(h => h.HuberDelta, (h, v) => h with { HuberDelta = v }),
        "HuberDelta", "--delta", v => v > 0, "must be positive", "δ of the scalar answers' Huber loss", "10, 25, 50");
    public static Setting<double> LookupWeight { get; } = Real(Hyper(h => h.LookupWeight, (h, v) => h with { LookupWeight = v }),
        "LookupWeight", "--lambda", v => v >= 0, "must not be negative", "λ, the weight of the lookup answers' loss", "25, 50, 75, 100");

    // The optimiser (docs/model.md 1.7)
    public static Setting<int> BatchSize { get; } = Integer(Hyper(h => h.BatchSize, (h, v) => h with { BatchSize = v }),
        "BatchSize", "--batch", 1, 100_000, "B, the examples of one update over all workers", "50");
    public static Setting<double> LearningRate { get; } = Real(Hyper(h => h.LearningRate, (h, v) => h with { LearningRate = v }),
        "LearningRate", "--lr", v => v is > 0 and <= 10, "must be in (0, 10]", "Adam's learning rate", "0.001");
    public static Setting<int> LearningRateHalfLife { get; } = Integer(Hyper(h => h.LearningRateHalfLife, (h, v) => h with { LearningRateHalfLife = v }),
        "LearningRateHalfLife", "--lr-half-life", 0, int.MaxValue, "Updates over which the learning rate halves (lr·2^(-t/H)), 0 = constant", "constant");
    public static Setting<double> Beta1 { get; } = Real(Hyper(h => h.Beta1, (h, v) => h with { Beta1 = v }),
        "Beta1", "--beta1", v => v is >= 0 and < 1, "must be in [0, 1)", "Adam's β1", "0.9");
    public static Setting<double> Beta2 { get; } = Real(Hyper(h => h.Beta2, (h, v) => h with { Beta2 = v }),
        "Beta2", "--beta2", v => v is >= 0 and < 1, "must be in [0, 1)", "Adam's β2", "0.999");
    public static Setting<double> Epsilon { get; } = Real(Hyper(h => h.Epsilon, (h, v) => h with { Epsilon = v }),
        "Epsilon", "--epsilon", v => v is > 0 and <= 1, "must be in (0, 1]", "Adam's ε", "1e-6, 1e-8");
    public static Setting<double> ClipNorm { get; } = Real(Hyper(h => h.ClipNorm, (h, v) => h with { ClipNorm = v }),
        "ClipNorm", "--clip", v => v >= 0, "must not be negative (0 turns clipping off)", "Global-norm clipping threshold, 0 = off", "1, 5, 50");
    public static Setting<double> NoiseEta { get; } = Real(Hyper(h => h.NoiseEta, (h, v) => h with { NoiseEta = v }),
        "NoiseEta", "--noise-eta", v => v >= 0, "must not be negative (0 turns noise off)", "η of the gradient noise σ²_t = η/(1+t)^γ, 0 = off", "1.0");
    public static Setting<double> NoiseGamma { get; } = Real(Hyper(h => h.NoiseGamma, (h, v) => h with { NoiseGamma = v }),
        "NoiseGamma", "--noise-gamma", v => v >= 0, "must not be negative", "γ of the gradient noise", "0.55");
    public static Setting<NoiseUnit> NoisePer { get; } = Choice(Hyper(h => h.NoisePer, (h, v) => h with { NoisePer = v }),
        "NoisePer", "--noise-per", "What t counts in the noise schedule");

    // Training aids (docs/model.md 1.8b): training only, argmax inference ignores them.
    public static Setting<double> SelectorTemperature { get; } = Real(Hyper(h => h.SelectorTemperature, (h, v) => h with { SelectorTemperature = v }),
        "SelectorTemperature", "--temperature", v => v > 0, "must be positive", "Selector softmax temperature at the start of training, annealed to 1");
    public static Setting<double> TextMatchTemperature { get; } = Real(Hyper(h => h.TextMatchTemperature, (h, v) => h with { TextMatchTemperature = v }),
        "TextMatchTemperature", "--text-match-temperature", v => v > 0, "must be positive",
        "Temperature of text match's attention over the question words at the start of training, annealed to 1");
    public static Setting<int> TemperatureAnnealSteps { get; } = Integer(Hyper(h => h.TemperatureAnnealSteps, (h, v) => h with { TemperatureAnnealSteps = v }),
        "TemperatureAnnealSteps", "--temperature-steps", 0, int.MaxValue, "Updates over which the selector and text-match temperatures anneal to 1");
    public static Setting<double> EntropyWeight { get; } = Real(Hyper(h => h.EntropyWeight, (h, v) => h with { EntropyWeight = v }),
        "EntropyWeight", "--entropy", v => v >= 0, "must not be negative", "Entropy bonus weight on the operation selection, annealed to 0");
    public static Setting<int> EntropyAnnealSteps { get; } = Integer(Hyper(h => h.EntropyAnnealSteps, (h, v) => h with { EntropyAnnealSteps = v }),
        "EntropyAnnealSteps", "--entropy-steps", 0, int.MaxValue, "Updates over which the entropy weight anneals to 0");
    public static Setting<double> ProgramMemoryWeight { get; } = Real(Hyper(h => h.ProgramMemoryWeight, (h, v) => h with { ProgramMemoryWeight = v }),
        "ProgramMemoryWeight", "--memory", v => v >= 0, "must not be negative (0 turns the program memory off)",
        "Weight of the program memory's loss (programs found from the answers that answer right), 0 = off");

    /// <summary>Every setting, in the order <c>np train</c>'s help and reproducing command lines show them.</summary>
    public static IReadOnlyList<Setting> All { get; } =
    [
        Seed, Variant, Categories, Steps, BatchSize, TrainingExamples, TestExamples, ValidationExamples, EvaluateEvery, RealDataShare,
        LearningRate, Epsilon, ClipNorm, HuberDelta, LookupWeight, NoiseEta, NoiseGamma, NoisePer, Comparison,
        SelectorTemperature, TextMatchTemperature, TemperatureAnnealSteps, EntropyWeight, EntropyAnnealSteps, ProgramMemoryWeight,
        Dimension, BidirectionalQuestion, QuestionAttention, Device, Transport, Shards, ProgramSteps, InitScale, Beta1, Beta2, LearningRateHalfLife,
    ];

    static readonly Dictionary<string, Setting> ByName = All.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The setting named <paramref name="name"/> (case ignored), or null.</summary>
    public static Setting? Find(string? name) => name is not null && ByName.TryGetValue(name.Trim(), out var setting) ? setting : null;

    /// <summary>A hint for an unknown name: the full name when only the prefix is missing or wrong, else the list of names.</summary>
    public static string Suggest(string? name, IEnumerable<string> names)
    {
        var bare = (name ?? "").Trim();
        if (bare.LastIndexOf('.') is var dot and >= 0) bare = bare[(dot + 1)..];
        var list = names.ToList();
        var match = list.FirstOrDefault(n => string.Equals(n[(n.LastIndexOf('.') + 1)..], bare, StringComparison.OrdinalIgnoreCase));
        return match is not null ? $"did you mean {match}?" : $"valid names: {string.Join(", ", list)}";
    }

    /// <summary>Every problem with the values of <paramref name="spec"/>, each naming its setting.</summary>
    public static IEnumerable<string> Problems(TrainingSpec spec) => All.Select(s => s.Problem(spec)).OfType<string>();

    /// <summary>Where a setting's value lives in a <see cref="TrainingSpec"/>, and the prefix of its name there.</summary>
    readonly record struct At<T>(Func<TrainingSpec, T> Get, Func<TrainingSpec, T, TrainingSpec> Set, string Prefix);

    static At<T> Run<T>(Func<TrainingSpec, T> get, Func<TrainingSpec, T, TrainingSpec> set) => new(get, set, "");

    static At<T> Hyper<T>(Func<HyperParameters, T> get, Func<HyperParameters, T, HyperParameters> set) =>
        new(s => get(s.HyperParameters), (s, v) => s with { HyperParameters = set(s.HyperParameters, v) }, HyperParametersPrefix);

    static Setting<int> Integer(At<int> at, string name, string option, int min, int max, string help, string? paper = null)
    {
        var rule = (min, max) switch
        {
            (int.MinValue, int.MaxValue) => null,
            (1, int.MaxValue) => "must be positive",
            (0, int.MaxValue) => "must not be negative",
            _ => string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"),
        };
        return new(at.Prefix + name, option, SettingKind.Integer, help, paper, searchable: true, at.Get, at.Set, ParseInteger,
            v => v.ToString(CultureInfo.InvariantCulture), v => v < min || v > max ? rule : null);
    }

    static Setting<double> Real(At<double> at, string name, string option,
        Func<double, bool> valid, string rule, string help, string? paper = null) =>
        new(at.Prefix + name, option, SettingKind.Real, help, paper, searchable: true, at.Get, at.Set,
            (string text, out double v) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out v) ? null : "not a number",
            Setting.Show, v => !double.IsFinite(v) ? "must be a finite number" : valid(v) ? null : rule);

    static Setting<bool> Boolean(At<bool> at, string name, string option, string help, string? paper = null) =>
        new(at.Prefix + name, option, SettingKind.Boolean, help, paper, searchable: true, at.Get, at.Set,
            (string text, out bool v) => bool.TryParse(text, out v) ? null : "not true or false", v => v ? "true" : "false", _ => null);

    static Setting<T> Choice<T>(At<T> at, string name, string option, string help) where T : struct, Enum
    {
        var names = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();
        var rule = names.Length == 2 ? $"must be {names[0]} or {names[1]}" : $"must be one of {string.Join(", ", names)}";
        return new(at.Prefix + name, option, SettingKind.Choice, help, null, searchable: true, at.Get, at.Set,
            (string text, out T v) => Enum.TryParse(text, ignoreCase: true, out v) && Enum.IsDefined(v) && !int.TryParse(text, out _) ? null : rule,
            v => v.ToString().ToLowerInvariant(), v => Enum.IsDefined(v) ? null : rule, names);
    }

    /// <summary>An integer, also written as a whole real number (<c>1e3</c>, <c>2000.0</c>), as sweep grids and JSON may write it.</summary>
    static string? ParseInteger(string text, out int value)
    {
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value)) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Round(d) && d is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)d;
            return null;
        }
        return "not an integer";
    }

    static string? ParseCategories(string text, out IReadOnlyList<TemplateCategory>? value)
    {
        var categories = new List<TemplateCategory>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<TemplateCategory>(name, ignoreCase: true, out var category) || !Enum.IsDefined(category) || int.TryParse(name, out _))
            {
                value = null;
                return $"'{name}' is not a template category; valid: {string.Join(", ", Enum.GetNames<TemplateCategory>().Select(n => n.ToLowerInvariant()))}";
            }
            if (!categories.Contains(category)) categories.Add(category);
        }
        // One spelling per choice, as the generator reads them: in enum order, and every category as no filter at all.
        value = categories.Count == Enum.GetValues<TemplateCategory>().Length ? null : Enum.GetValues<TemplateCategory>().Where(categories.Contains).ToArray();
        return null;
    }
}
