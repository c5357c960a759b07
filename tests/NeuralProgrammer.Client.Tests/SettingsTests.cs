using System.CommandLine;
using System.Text.Json;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Grains.Sweeps;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Network;
using NeuralProgrammer.Model.Settings;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client.Tests;

/// <summary>
/// Every setting, written the way users write it — a console option, a JSON job spec, a sweep spec — reaches the
/// training spec the run is built from and <c>result.json</c>. The cases are written out by hand, not generated from
/// <see cref="RunSettings"/>: a setting added there without a case here fails <see cref="EverySettingHasACase"/>.
/// </summary>
public sealed class SettingsTests
{
    /// <summary>A setting's name, its console words, its JSON job-spec member, the check on the run's spec, and its value in result.json.</summary>
    public sealed record Case(string Name, string Console, string Json, Func<TrainingSpec, bool> Reached, string ResultPath, string ResultValue)
    {
        public override string ToString() => Name;
    }

    static readonly Case[] Cases =
    [
        new("Seed", "--seed 17", """ "Seed": 17 """, s => s.Seed == 17, "Spec.Seed", "17"),
        new("Variant", "--variant 3-columns", """ "Variant": "3-columns" """, s => s.Variant == DatasetVariant.Columns3, "Spec.Variant", "Columns3"),
        new("Categories", "--categories logic,aggregation", """ "Categories": ["logic", "aggregation"] """,
            s => s.Categories!.SequenceEqual([TemplateCategory.Aggregation, TemplateCategory.Logic]), "Spec.Categories", """["Aggregation","Logic"]"""),
        new("Steps", "--steps 123", """ "Steps": 123 """, s => s.Steps == 123, "Spec.Steps", "123"),
        new("HyperParameters.BatchSize", "--batch 25", """ "HyperParameters": {"BatchSize": 25} """, s => s.HyperParameters.BatchSize == 25, "Spec.HyperParameters.BatchSize", "25"),
        new("TrainingExamples", "--train-size 777", """ "TrainingExamples": 777 """, s => s.TrainingExamples == 777, "Spec.TrainingExamples", "777"),
        new("TestExamples", "--test-size 55", """ "TestExamples": 55 """, s => s.TestExamples == 55, "Spec.TestExamples", "55"),
        new("ValidationExamples", "--validation-size 300", """ "ValidationExamples": 300 """, s => s.ValidationExamples == 300, "Spec.ValidationExamples", "300"),
        new("RealDataShare", "--real-data 0.3", """ "RealDataShare": 0.3 """, s => s.RealDataShare == 0.3, "Spec.RealDataShare", "0.3"),
        new("EvaluateEvery", "--eval-every 7", """ "EvaluateEvery": 7 """, s => s.EvaluateEvery == 7, "Spec.EvaluateEvery", "7"),
        new("HyperParameters.LearningRate", "--lr 0.003", """ "HyperParameters": {"LearningRate": 0.003} """, s => s.HyperParameters.LearningRate == 0.003, "Spec.HyperParameters.LearningRate", "0.003"),
        new("HyperParameters.Epsilon", "--epsilon 1e-8", """ "HyperParameters": {"Epsilon": 1e-8} """, s => s.HyperParameters.Epsilon == 1e-8, "Spec.HyperParameters.Epsilon", "1E-08"),
        new("HyperParameters.ClipNorm", "--clip 50", """ "HyperParameters": {"ClipNorm": 50} """, s => s.HyperParameters.ClipNorm == 50, "Spec.HyperParameters.ClipNorm", "50"),
        new("HyperParameters.HuberDelta", "--delta 25", """ "HyperParameters": {"HuberDelta": 25} """, s => s.HyperParameters.HuberDelta == 25, "Spec.HyperParameters.HuberDelta", "25"),
        new("HyperParameters.LookupWeight", "--lambda 75", """ "HyperParameters": {"LookupWeight": 75} """, s => s.HyperParameters.LookupWeight == 75, "Spec.HyperParameters.LookupWeight", "75"),
        new("HyperParameters.NoiseEta", "--noise-eta 0.5", """ "HyperParameters": {"NoiseEta": 0.5} """, s => s.HyperParameters.NoiseEta == 0.5, "Spec.HyperParameters.NoiseEta", "0.5"),
        new("HyperParameters.NoiseGamma", "--noise-gamma 0.6", """ "HyperParameters": {"NoiseGamma": 0.6} """, s => s.HyperParameters.NoiseGamma == 0.6, "Spec.HyperParameters.NoiseGamma", "0.6"),
        new("HyperParameters.NoisePer", "--noise-per epoch", """ "HyperParameters": {"NoisePer": "epoch"} """, s => s.HyperParameters.NoisePer == NoiseUnit.Epoch, "Spec.HyperParameters.NoisePer", "Epoch"),
        new("HyperParameters.Comparison", "--comparison paper", """ "HyperParameters": {"Comparison": "paper"} """, s => s.HyperParameters.Comparison == ComparisonMode.Paper, "Spec.HyperParameters.Comparison", "Paper"),
        new("HyperParameters.SelectorTemperature", "--temperature 10", """ "HyperParameters": {"SelectorTemperature": 10} """, s => s.HyperParameters.SelectorTemperature == 10, "Spec.HyperParameters.SelectorTemperature", "10"),
        new("HyperParameters.TextMatchTemperature", "--text-match-temperature 10", """ "HyperParameters": {"TextMatchTemperature": 10} """, s => s.HyperParameters.TextMatchTemperature == 10, "Spec.HyperParameters.TextMatchTemperature", "10"),
        new("HyperParameters.TemperatureAnnealSteps", "--temperature-steps 300", """ "HyperParameters": {"TemperatureAnnealSteps": 300} """, s => s.HyperParameters.TemperatureAnnealSteps == 300, "Spec.HyperParameters.TemperatureAnnealSteps", "300"),
        new("HyperParameters.EntropyWeight", "--entropy 1000", """ "HyperParameters": {"EntropyWeight": 1000} """, s => s.HyperParameters.EntropyWeight == 1000, "Spec.HyperParameters.EntropyWeight", "1000"),
        new("HyperParameters.EntropyAnnealSteps", "--entropy-steps 400", """ "HyperParameters": {"EntropyAnnealSteps": 400} """, s => s.HyperParameters.EntropyAnnealSteps == 400, "Spec.HyperParameters.EntropyAnnealSteps", "400"),
        new("HyperParameters.ProgramMemoryWeight", "--memory 1000", """ "HyperParameters": {"ProgramMemoryWeight": 1000} """, s => s.HyperParameters.ProgramMemoryWeight == 1000, "Spec.HyperParameters.ProgramMemoryWeight", "1000"),
        new("HyperParameters.Dimension", "--dim 64", """ "HyperParameters": {"Dimension": 64} """, s => s.HyperParameters.Dimension == 64, "Spec.HyperParameters.Dimension", "64"),
        new("HyperParameters.BidirectionalQuestion", "--bidirectional", """ "HyperParameters": {"BidirectionalQuestion": true} """, s => s.HyperParameters.BidirectionalQuestion, "Spec.HyperParameters.BidirectionalQuestion", "true"),
        new("HyperParameters.QuestionAttention", "--attention true", """ "HyperParameters": {"QuestionAttention": true} """, s => s.HyperParameters.QuestionAttention, "Spec.HyperParameters.QuestionAttention", "true"),
        new("Device", "--device cuda:1", """ "Device": "cuda:1" """, s => s.Device == "cuda:1", "Spec.Device", "cuda:1"),
        new("Transport", "--transport bfloat16", """ "Transport": "bfloat16" """, s => s.Transport == WireFormat.BFloat16, "Spec.Transport", "BFloat16"),
        new("Shards", "--shards 4", """ "Shards": 4 """, s => s.Shards == 4, "Spec.Shards", "4"),
        new("HyperParameters.Steps", "--program-steps 3", """ "HyperParameters": {"Steps": 3} """, s => s.HyperParameters.Steps == 3, "Spec.HyperParameters.Steps", "3"),
        new("HyperParameters.InitScale", "--init-scale 0.05", """ "HyperParameters": {"InitScale": 0.05} """, s => s.HyperParameters.InitScale == 0.05, "Spec.HyperParameters.InitScale", "0.05"),
        new("HyperParameters.Beta1", "--beta1 0.8", """ "HyperParameters": {"Beta1": 0.8} """, s => s.HyperParameters.Beta1 == 0.8, "Spec.HyperParameters.Beta1", "0.8"),
        new("HyperParameters.LearningRateHalfLife", "--lr-half-life 1500", """ "HyperParameters": {"LearningRateHalfLife": 1500} """, s => s.HyperParameters.LearningRateHalfLife == 1500, "Spec.HyperParameters.LearningRateHalfLife", "1500"),
        new("HyperParameters.Beta2", "--beta2 0.99", """ "HyperParameters": {"Beta2": 0.99} """, s => s.HyperParameters.Beta2 == 0.99, "Spec.HyperParameters.Beta2", "0.99"),
    ];

    public static TheoryData<Case> All => new(Cases);

    /// <summary>Starts from the demo preset, where none of the cases' values is the preset's own (checked below).</summary>
    static readonly TrainingSpec Preset = TrainingPresets.Demo;

    [Fact]
    public void EverySettingHasACase() =>
        Assert.Equal(RunSettings.All.Select(s => s.Name).Order(), Cases.Select(c => c.Name).Order());

    [Theory, MemberData(nameof(All))]
    public void TheConsoleOptionReachesTheRunAndResultJson(Case c)
    {
        Assert.False(c.Reached(Preset), $"{c.Name}: the case's value is the preset's, so the test could not tell it arrived");
        var options = new TrainOptions();
        var command = new RootCommand();
        foreach (var option in options.All) command.Options.Add(option);
        var parse = command.Parse(["--preset", "demo", .. c.Console.Split(' ')]);
        Assert.Empty(parse.Errors);
        var spec = options.ToSpec(parse);
        Assert.True(c.Reached(spec), $"{c.Console} did not reach the run's spec");
        Assert.Equal(c.ResultValue, ResultJsonValue(spec, c.ResultPath));
    }

    [Theory, MemberData(nameof(All))]
    public void TheJsonJobSpecReachesTheRunAndResultJson(Case c)
    {
        var job = JsonSerializer.Deserialize<JobSpec>($$"""{"Preset": "demo", {{c.Json}}}""")!;
        var (spec, _) = JobSpecs.Resolve(job);
        Assert.True(c.Reached(spec), $"{c.Json} did not reach the run's spec");
        Assert.Equal(c.ResultValue, ResultJsonValue(spec, c.ResultPath));
        // What the cluster stores and sends is the same spec written again.
        var (again, _) = JobSpecs.Resolve(JsonSerializer.Deserialize<JobSpec>(JsonSerializer.Serialize(JobSpecs.FromTrainingSpec(spec)))!);
        Assert.Equal(ResultJson(spec), ResultJson(again));
    }

    [Theory, MemberData(nameof(All))]
    public void TheSweepSpecReachesEveryTrial(Case c)
    {
        var value = c.Console.Split(' ') is [_, var v] ? v : "true";
        var sweep = SweepFiles.ParseSpec($$"""
            { "Base": {"Preset": "demo"}, "Space": [{"Name": "{{c.Name}}", "Values": ["{{value}}"]}] }
            """);
        if (RunSettings.Find(c.Name) is { Searchable: false })
        {
            var refused = Assert.Throws<SweepSpecException>(() => SweepPlanner.Plan(sweep));
            Assert.Contains($"'{c.Name}': unknown hyperparameter", refused.Message);
            return;
        }
        var trial = Assert.Single(SweepPlanner.Plan(sweep).Trials);
        var spec = JobSpecs.ToTrainingSpec(trial.Spec);
        Assert.True(c.Reached(spec), $"{c.Name} = {value} did not reach the trial's spec");
        Assert.Equal(c.ResultValue, ResultJsonValue(spec, c.ResultPath));
    }

    [Theory]
    [InlineData("--clip abc", "--clip 'abc': not a number")]
    [InlineData("--clip -5", "--clip -5: must not be negative (0 turns clipping off)")]
    [InlineData("--lr NaN", "--lr NaN: must be a finite number")]
    [InlineData("--noise-per hour", "--noise-per 'hour': must be step or epoch")]
    [InlineData("--variant 7-columns", "--variant '7-columns': unknown dataset variant")]
    [InlineData("--categories logic,geometry", "--categories 'logic,geometry': 'geometry' is not a template category")]
    [InlineData("--dim 0", "--dim 0: must be between 1 and 4096")]
    [InlineData("--real-data 1.5", "--real-data 1.5: must be in [0, 1]")]
    [InlineData("--bidirectional maybe", "--bidirectional 'maybe': not true or false")]
    public void ABadConsoleValueIsNamedByItsOption(string words, string message)
    {
        var options = new TrainOptions();
        var command = new RootCommand();
        foreach (var option in options.All) command.Options.Add(option);
        var error = Assert.Throws<ArgumentException>(() => options.ToSpec(command.Parse(words.Split(' '))));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void AnUnknownJsonSettingIsNamedWithASuggestion()
    {
        var error = Assert.Throws<JobSpecException>(() => JobSpecs.Resolve(JsonSerializer.Deserialize<JobSpec>("""{"HyperParameters": {"Seed": 5}, "Sede": 1}""")!));
        Assert.Contains("HyperParameters.Seed: no such setting; did you mean Seed?", error.Problems);
        Assert.Contains(error.Problems, p => p.StartsWith("Sede: no such setting; valid names: Seed, Variant", StringComparison.Ordinal));
    }

    /// <summary>Every result.json in results/ (written before the settings table) still loads, and its spec is valid and written back the same.</summary>
    [Fact]
    public void EveryRecordedResultStillLoads()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NeuralProgrammer.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("no repository root above the test");
        var files = Directory.GetFiles(Path.Combine(root, "results"), "result.json", SearchOption.AllDirectories);
        Assert.True(files.Length >= 40, $"{files.Length} result files");
        foreach (var file in files)
        {
            var result = RunReport.Read(file);
            Assert.Empty(result.Spec.Validate());
            var (back, _) = JobSpecs.Resolve(JobSpecs.FromTrainingSpec(result.Spec));
            Assert.Equal(ResultJson(result.Spec), ResultJson(back));
        }
    }

    static string ResultJson(TrainingSpec spec) =>
        JsonSerializer.Serialize(new TrainingResult(spec, 0, 0, 0, 0, new Dictionary<TemplateCategory, double>(), [], [], "test", 1), Checkpoint.Json);

    /// <summary>The value at <paramref name="path"/> of the result.json that <see cref="RunReport.Write"/> writes for a run of <paramref name="spec"/>.</summary>
    static string ResultJsonValue(TrainingSpec spec, string path)
    {
        var directory = Directory.CreateTempSubdirectory("np-settings-").FullName;
        try
        {
            var (json, _) = RunReport.Write(new TrainingResult(spec, 0, 0, 0, 0, new Dictionary<TemplateCategory, double>(), [], [], "test", 1), directory);
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var element = path.Split('.').Aggregate(document.RootElement, (e, name) => e.GetProperty(name));
            return element.ValueKind == JsonValueKind.String ? element.GetString()! : JsonSerializer.Serialize(element);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
