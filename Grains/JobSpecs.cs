using System.Globalization;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains;

/// <summary>
/// The one place where a <see cref="JobSpec"/> (the wire and storage form) becomes the model's
/// <see cref="TrainingSpec"/> plus a worker count, and back. Every problem names its field.
/// </summary>
public static class JobSpecs
{
    /// <summary>The training spec and worker count of <paramref name="spec"/>; throws <see cref="JobSpecException"/> listing every problem.</summary>
    public static (TrainingSpec Training, int Workers) Resolve(JobSpec spec)
    {
        var (training, workers, problems) = Map(spec);
        if (problems.Count > 0) throw new JobSpecException(problems);
        return (training, workers);
    }

    /// <summary>Every problem with <paramref name="spec"/>, each starting with its field's name; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(JobSpec spec) => Map(spec).Problems;

    public static TrainingSpec ToTrainingSpec(JobSpec spec) => Resolve(spec).Training;

    /// <summary>A job spec with every field spelled out: <paramref name="training"/> on <paramref name="workers"/> workers.</summary>
    public static JobSpec FromTrainingSpec(TrainingSpec training, int workers = 1)
    {
        var h = training.HyperParameters;
        return new JobSpec
        {
            Variant = training.Variant.Name(),
            TrainingExamples = training.TrainingExamples,
            TestExamples = training.TestExamples,
            Categories = training.Categories?.Select(c => c.ToString().ToLowerInvariant()).ToArray(),
            Seed = training.Seed,
            Workers = workers,
            Steps = training.Steps,
            EvaluateEvery = training.EvaluateEvery,
            Device = training.Device,
            HyperParameters = new HyperParameterSpec
            {
                Dimension = h.Dimension, Steps = h.Steps, BidirectionalQuestion = h.BidirectionalQuestion,
                QuestionAttention = h.QuestionAttention, Comparison = h.Comparison.ToString().ToLowerInvariant(),
                InitScale = h.InitScale, HuberDelta = h.HuberDelta, LookupWeight = h.LookupWeight, BatchSize = h.BatchSize,
                LearningRate = h.LearningRate, Beta1 = h.Beta1, Beta2 = h.Beta2, Epsilon = h.Epsilon, ClipNorm = h.ClipNorm,
                NoiseEta = h.NoiseEta, NoiseGamma = h.NoiseGamma, NoisePer = h.NoisePer.ToString().ToLowerInvariant(),
                SelectorTemperature = h.SelectorTemperature, TemperatureAnnealSteps = h.TemperatureAnnealSteps,
                EntropyWeight = h.EntropyWeight, EntropyAnnealSteps = h.EntropyAnnealSteps, ProgramMemoryWeight = h.ProgramMemoryWeight,
            },
        };
    }

    static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        double d => d.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static (TrainingSpec Training, int Workers, List<string> Problems) Map(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<string>();
        void Problem(string field, object? value, string rule) => problems.Add($"{field} = {Show(value)}: {rule}");

        var training = new TrainingSpec();
        if (spec.Preset is not null)
        {
            try { training = TrainingPresets.Get(spec.Preset); }
            catch (ArgumentException) { Problem(nameof(JobSpec.Preset), spec.Preset, $"unknown preset; valid presets: {string.Join(", ", TrainingPresets.Names)}"); }
        }

        if (spec.Variant is not null)
        {
            if (DatasetVariants.TryParse(spec.Variant, out var variant)) training = training with { Variant = variant };
            else Problem(nameof(JobSpec.Variant), spec.Variant, $"unknown dataset variant; valid variants: {string.Join(", ", DatasetVariants.Names)}");
        }

        if (spec.Categories is not null)
        {
            var categories = new List<TemplateCategory>();
            foreach (var name in spec.Categories)
            {
                if (Enum.TryParse<TemplateCategory>(name?.Trim(), ignoreCase: true, out var category) && Enum.IsDefined(category) && !int.TryParse(name, out _))
                    categories.Add(category);
                else
                    Problem(nameof(JobSpec.Categories), name, $"not a template category; valid: {string.Join(", ", Enum.GetNames<TemplateCategory>().Select(n => n.ToLowerInvariant()))}");
            }
            training = training with { Categories = categories.Distinct().ToArray() };
        }

        if (spec.TrainingExamples is { } n) training = training with { TrainingExamples = n };
        if (spec.TestExamples is { } testExamples) training = training with { TestExamples = testExamples };
        if (spec.Seed is { } seed) training = training with { Seed = seed };
        if (spec.EvaluateEvery is { } evaluateEvery) training = training with { EvaluateEvery = evaluateEvery };
        if (spec.Device is { } device)
        {
            var d = device.Trim().ToLowerInvariant();
            if (d is "cpu" or "cuda" || (d.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(d[5..], out var index) && index >= 0))
                training = training with { Device = d };
            else Problem(nameof(JobSpec.Device), device, "expected cpu, cuda or cuda:N");
        }

        var hyperParameters = Apply(training.HyperParameters, spec.HyperParameters, Problem);

        int workers = spec.Workers ?? 1;
        if (workers < 1) Problem(nameof(JobSpec.Workers), workers, "must be positive");
        if (spec.BatchPerWorker is { } perWorker)
        {
            long total = (long)Math.Max(workers, 1) * perWorker;
            if (perWorker < 1) Problem(nameof(JobSpec.BatchPerWorker), perWorker, "must be positive");
            else if (total > int.MaxValue) Problem(nameof(JobSpec.BatchPerWorker), perWorker, $"times Workers = {workers} is too large a batch");
            else if (spec.HyperParameters?.BatchSize is { } batch && batch != total)
                Problem(nameof(JobSpec.BatchPerWorker), perWorker,
                    $"with Workers = {workers} makes a batch of {total}, but HyperParameters.BatchSize = {batch}; give one of them, or make them agree");
            else hyperParameters = hyperParameters with { BatchSize = (int)total };
        }
        training = training with { HyperParameters = hyperParameters };

        if (spec.Steps is not null && spec.Epochs is not null)
            problems.Add($"Steps = {spec.Steps}, Epochs = {spec.Epochs}: give the length in steps or in epochs, not both");
        else if (spec.Steps is { } steps) training = training with { Steps = steps };
        else if (spec.Epochs is { } epochs)
        {
            if (epochs < 1) Problem(nameof(JobSpec.Epochs), epochs, "must be positive");
            else if (hyperParameters.BatchSize >= 1 && training.TrainingExamples >= hyperParameters.BatchSize)
            {
                long updates = (long)epochs * (training.TrainingExamples / hyperParameters.BatchSize);
                if (updates > int.MaxValue) Problem(nameof(JobSpec.Epochs), epochs, "is too many updates");
                else training = training with { Steps = (int)updates };
            }
        }

        problems.AddRange(training.Validate());
        if (workers >= 1 && workers > training.TrainingExamples)
            Problem(nameof(JobSpec.Workers), workers, $"more workers than TrainingExamples = {training.TrainingExamples}");
        else if (workers >= 1 && workers > hyperParameters.BatchSize)
            Problem(nameof(JobSpec.Workers), workers,
                $"more workers than examples per update (HyperParameters.BatchSize = {hyperParameters.BatchSize}); every worker needs at least one");
        return (training, workers, problems);
    }

    static HyperParameters Apply(HyperParameters h, HyperParameterSpec? s, Action<string, object?, string> problem)
    {
        if (s is null) return h;
        const string prefix = "HyperParameters.";
        if (s.Dimension is { } dimension) h = h with { Dimension = dimension };
        if (s.Steps is { } steps) h = h with { Steps = steps };
        if (s.BidirectionalQuestion is { } bidirectional) h = h with { BidirectionalQuestion = bidirectional };
        if (s.QuestionAttention is { } attention) h = h with { QuestionAttention = attention };
        if (s.Comparison is { } comparison)
        {
            if (TryParseName<ComparisonMode>(comparison, out var mode)) h = h with { Comparison = mode };
            else problem(prefix + nameof(s.Comparison), comparison, "must be expected or paper");
        }
        if (s.InitScale is { } initScale) h = h with { InitScale = initScale };
        if (s.HuberDelta is { } delta) h = h with { HuberDelta = delta };
        if (s.LookupWeight is { } lambda) h = h with { LookupWeight = lambda };
        if (s.BatchSize is { } batch) h = h with { BatchSize = batch };
        if (s.LearningRate is { } rate) h = h with { LearningRate = rate };
        if (s.Beta1 is { } beta1) h = h with { Beta1 = beta1 };
        if (s.Beta2 is { } beta2) h = h with { Beta2 = beta2 };
        if (s.Epsilon is { } epsilon) h = h with { Epsilon = epsilon };
        if (s.ClipNorm is { } clip) h = h with { ClipNorm = clip };
        if (s.NoiseEta is { } eta) h = h with { NoiseEta = eta };
        if (s.NoiseGamma is { } gamma) h = h with { NoiseGamma = gamma };
        if (s.NoisePer is { } noisePer)
        {
            if (TryParseName<NoiseUnit>(noisePer, out var unit)) h = h with { NoisePer = unit };
            else problem(prefix + nameof(s.NoisePer), noisePer, "must be step or epoch");
        }
        if (s.SelectorTemperature is { } temperature) h = h with { SelectorTemperature = temperature };
        if (s.TemperatureAnnealSteps is { } temperatureSteps) h = h with { TemperatureAnnealSteps = temperatureSteps };
        if (s.EntropyWeight is { } entropy) h = h with { EntropyWeight = entropy };
        if (s.EntropyAnnealSteps is { } entropySteps) h = h with { EntropyAnnealSteps = entropySteps };
        if (s.ProgramMemoryWeight is { } memory) h = h with { ProgramMemoryWeight = memory };
        return h;
    }

    static bool TryParseName<T>(string name, out T value) where T : struct, Enum =>
        Enum.TryParse(name.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(name, out _);
}
