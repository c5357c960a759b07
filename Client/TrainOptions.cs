using System.CommandLine;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client;

/// <summary>The options that describe a training run, shared by <c>train</c> and <c>sweep</c>; they turn into a <see cref="TrainingSpec"/>.</summary>
public sealed class TrainOptions
{
    public Option<string> Preset { get; } = new("--preset") { Description = $"Starting point: {string.Join(", ", TrainingPresets.Names)}", DefaultValueFactory = _ => "demo" };
    public Option<string?> Variant { get; } = new("--variant") { Description = $"Dataset: {string.Join(", ", DatasetVariants.Names)} (default: the preset's; naming a variant alone picks its paper preset)" };
    public Option<string?> Categories { get; } = new("--categories") { Description = "Comma-separated template categories (aggregation, comparison, logic, arithmetic); default all of the preset" };
    public Option<int?> Steps { get; } = new("--steps") { Description = "Updates to train" };
    public Option<int?> BatchSize { get; } = new("--batch") { Description = "Examples per update" };
    public Option<int?> TrainingExamples { get; } = new("--train-size") { Description = "Training examples generated" };
    public Option<int?> TestExamples { get; } = new("--test-size") { Description = "Test examples (fresh tables, the paper's test distribution)" };
    public Option<int?> Seed { get; } = new("--seed") { Description = "Seed of data, initial weights, minibatch order and noise" };
    public Option<int?> EvaluateEvery { get; } = new("--eval-every") { Description = "Evaluate on the test set every N updates" };
    public Option<double?> LearningRate { get; } = new("--lr") { Description = "Adam learning rate" };
    public Option<double?> Epsilon { get; } = new("--epsilon") { Description = "Adam epsilon (paper: 1e-6 or 1e-8)" };
    public Option<double?> Clip { get; } = new("--clip") { Description = "Global-norm clipping threshold, 0 = off (paper: 1, 5, 50)" };
    public Option<double?> Delta { get; } = new("--delta") { Description = "Huber delta (paper: 10, 25, 50)" };
    public Option<double?> Lambda { get; } = new("--lambda") { Description = "Lookup loss weight (paper: 25, 50, 75, 100)" };
    public Option<double?> NoiseEta { get; } = new("--noise-eta") { Description = "Gradient noise eta, 0 = off (paper: 1.0)" };
    public Option<double?> NoiseGamma { get; } = new("--noise-gamma") { Description = "Gradient noise gamma (paper: 0.55)" };
    public Option<string?> NoisePer { get; } = new("--noise-per") { Description = "What t counts in the noise schedule: step or epoch" };
    public Option<string?> Comparison { get; } = new("--comparison") { Description = "expected (default) or paper" };
    public Option<double?> Temperature { get; } = new("--temperature") { Description = "Selector softmax temperature at the start of training, annealed to 1" };
    public Option<int?> TemperatureSteps { get; } = new("--temperature-steps") { Description = "Updates over which the temperature anneals to 1" };
    public Option<double?> Entropy { get; } = new("--entropy") { Description = "Entropy bonus weight on the operation selection, annealed to 0" };
    public Option<int?> EntropySteps { get; } = new("--entropy-steps") { Description = "Updates over which the entropy weight anneals to 0" };
    public Option<double?> Memory { get; } = new("--memory") { Description = "Weight of the program memory's loss (programs found from the answers that answer right), 0 = off" };
    public Option<int?> Dimension { get; } = new("--dim") { Description = "Hidden size d (paper: 256)" };
    public Option<bool?> Bidirectional { get; } = new("--bidirectional") { Description = "Bidirectional question RNN" };
    public Option<bool?> Attention { get; } = new("--attention") { Description = "Attention over the question states" };
    public Option<string?> Device { get; } = new("--device") { Description = "cpu or cuda" };

    public IEnumerable<Option> All => [Preset, Variant, Categories, Steps, BatchSize, TrainingExamples, TestExamples, Seed, EvaluateEvery,
        LearningRate, Epsilon, Clip, Delta, Lambda, NoiseEta, NoiseGamma, NoisePer, Comparison, Temperature, TemperatureSteps, Entropy,
        EntropySteps, Memory, Dimension, Bidirectional, Attention, Device];

    /// <summary>The preset with every given option applied, validated; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public TrainingSpec ToSpec(ParseResult parse)
    {
        var variantName = parse.GetValue(Variant);
        var presetGiven = parse.GetResult(Preset) is { Implicit: false };
        var spec = variantName is not null && !presetGiven
            ? TrainingPresets.Paper(DatasetVariants.Parse(variantName))
            : TrainingPresets.Get(parse.GetValue(Preset)!);
        if (variantName is not null) spec = spec with { Variant = DatasetVariants.Parse(variantName) };
        if (parse.GetValue(Categories) is { } categories)
            spec = spec with { Categories = categories.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseCategory).ToList() };
        var h = spec.HyperParameters;
        h = h with
        {
            BatchSize = parse.GetValue(BatchSize) ?? h.BatchSize,
            LearningRate = parse.GetValue(LearningRate) ?? h.LearningRate,
            Epsilon = parse.GetValue(Epsilon) ?? h.Epsilon,
            ClipNorm = parse.GetValue(Clip) ?? h.ClipNorm,
            HuberDelta = parse.GetValue(Delta) ?? h.HuberDelta,
            LookupWeight = parse.GetValue(Lambda) ?? h.LookupWeight,
            NoiseEta = parse.GetValue(NoiseEta) ?? h.NoiseEta,
            NoiseGamma = parse.GetValue(NoiseGamma) ?? h.NoiseGamma,
            NoisePer = parse.GetValue(NoisePer) is { } per ? ParseEnum<NoiseUnit>(per, "--noise-per") : h.NoisePer,
            Comparison = parse.GetValue(Comparison) is { } mode ? ParseEnum<ComparisonMode>(mode, "--comparison") : h.Comparison,
            SelectorTemperature = parse.GetValue(Temperature) ?? h.SelectorTemperature,
            TemperatureAnnealSteps = parse.GetValue(TemperatureSteps) ?? h.TemperatureAnnealSteps,
            EntropyWeight = parse.GetValue(Entropy) ?? h.EntropyWeight,
            EntropyAnnealSteps = parse.GetValue(EntropySteps) ?? h.EntropyAnnealSteps,
            ProgramMemoryWeight = parse.GetValue(Memory) ?? h.ProgramMemoryWeight,
            Dimension = parse.GetValue(Dimension) ?? h.Dimension,
            BidirectionalQuestion = parse.GetValue(Bidirectional) ?? h.BidirectionalQuestion,
            QuestionAttention = parse.GetValue(Attention) ?? h.QuestionAttention,
        };
        spec = spec with
        {
            HyperParameters = h,
            Steps = parse.GetValue(Steps) ?? spec.Steps,
            TrainingExamples = parse.GetValue(TrainingExamples) ?? spec.TrainingExamples,
            TestExamples = parse.GetValue(TestExamples) ?? spec.TestExamples,
            Seed = parse.GetValue(Seed) ?? spec.Seed,
            EvaluateEvery = parse.GetValue(EvaluateEvery) ?? spec.EvaluateEvery,
            Device = parse.GetValue(Device) ?? spec.Device,
        };
        return spec.EnsureValid();
    }

    static TemplateCategory ParseCategory(string name) => ParseEnum<TemplateCategory>(name, "--categories");

    static T ParseEnum<T>(string value, string option) where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ArgumentException($"{option}: '{value}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
}
