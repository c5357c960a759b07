using System.Globalization;
using NeuralProgrammer.Model.Settings;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains;

/// <summary>
/// The one place where a <see cref="JobSpec"/> (the wire and storage form) becomes the model's
/// <see cref="TrainingSpec"/> plus a worker count, and back. Settings are read by their definitions
/// (<see cref="RunSettings"/>); every problem names its setting.
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

    /// <summary>A job spec with every setting spelled out: <paramref name="training"/> on <paramref name="workers"/> workers.</summary>
    public static JobSpec FromTrainingSpec(TrainingSpec training, int workers = 1) =>
        new() { Workers = workers, Settings = RunSettings.All.ToDictionary(s => s.Name, s => s.Format(training), StringComparer.Ordinal) };

    static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
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

        foreach (var (name, text) in spec.Settings ?? [])
        {
            if (RunSettings.Find(name) is not { } setting)
                problems.Add($"{name}: no such setting; {RunSettings.Suggest(name, RunSettings.All.Select(s => s.Name))}");
            else if (setting.TryApply(training, text, out var applied, out var problem)) training = applied;
            else problems.Add(problem);
        }

        int workers = spec.Workers ?? 1;
        if (workers < 1) Problem(nameof(JobSpec.Workers), workers, "must be positive");
        if (spec.BatchPerWorker is { } perWorker)
        {
            long total = (long)Math.Max(workers, 1) * perWorker;
            if (perWorker < 1) Problem(nameof(JobSpec.BatchPerWorker), perWorker, "must be positive");
            else if (total > int.MaxValue) Problem(nameof(JobSpec.BatchPerWorker), perWorker, $"times Workers = {workers} is too large a batch");
            else if (spec[RunSettings.BatchSize.Name] is not null && training.HyperParameters.BatchSize != total)
                Problem(nameof(JobSpec.BatchPerWorker), perWorker,
                    $"with Workers = {workers} makes a batch of {total}, but HyperParameters.BatchSize = {training.HyperParameters.BatchSize}; give one of them, or make them agree");
            else training = RunSettings.BatchSize.Set(training, (int)total);
        }

        var batch = training.HyperParameters.BatchSize;
        if (spec[RunSettings.Steps.Name] is { } steps && spec.Epochs is not null)
            problems.Add($"Steps = {steps}, Epochs = {spec.Epochs}: give the length in steps or in epochs, not both");
        else if (spec.Epochs is { } epochs)
        {
            if (epochs < 1) Problem(nameof(JobSpec.Epochs), epochs, "must be positive");
            else if (batch >= 1 && training.TrainingExamples >= batch)
            {
                long updates = (long)epochs * (training.TrainingExamples / batch);
                if (updates > int.MaxValue) Problem(nameof(JobSpec.Epochs), epochs, "is too many updates");
                else training = training with { Steps = (int)updates };
            }
        }

        problems.AddRange(training.Validate());
        if (workers >= 1 && workers > training.TrainingExamples)
            Problem(nameof(JobSpec.Workers), workers, $"more workers than TrainingExamples = {training.TrainingExamples}");
        else if (workers >= 1 && workers > batch)
            Problem(nameof(JobSpec.Workers), workers,
                $"more workers than examples per update (HyperParameters.BatchSize = {batch}); every worker needs at least one");
        return (training, workers, problems);
    }
}
