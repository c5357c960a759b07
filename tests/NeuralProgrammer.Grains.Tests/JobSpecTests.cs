using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>The job spec → training spec mapping (no cluster): presets, batch slicing and the field named by each error.</summary>
public class JobSpecTests
{
    [Fact]
    public void APresetFillsTheFieldsLeftOut()
    {
        var (training, workers) = JobSpecs.Resolve(new JobSpec { Preset = "demo", Workers = 4 });
        Assert.Equal(TrainingPresets.Demo, training);
        Assert.Equal(4, workers);
    }

    [Fact]
    public void BatchPerWorkerMakesTheTotalBatch()
    {
        var (training, _) = JobSpecs.Resolve(new JobSpec { Preset = "demo", Workers = 4, BatchPerWorker = 13 });
        Assert.Equal(52, training.HyperParameters.BatchSize);
        var (agreeing, _) = JobSpecs.Resolve(Spec("""{"Workers": 4, "BatchPerWorker": 5, "HyperParameters": {"BatchSize": 20}, "TrainingExamples": 100}"""));
        Assert.Equal(20, agreeing.HyperParameters.BatchSize);
    }

    [Fact]
    public void EpochsCountPassesOverTheTrainingSet()
    {
        var (training, _) = JobSpecs.Resolve(Spec("""{"TrainingExamples": 1000, "Epochs": 3, "HyperParameters": {"BatchSize": 50}}"""));
        Assert.Equal(60, training.Steps);
    }

    [Fact]
    public void ATrainingSpecRoundTrips()
    {
        var spec = TrainingPresets.Demo with { Seed = 0, HyperParameters = TrainingPresets.Demo.HyperParameters with { NoisePer = NoiseUnit.Epoch, Dimension = 32, ProgramMemoryWeight = 7 } };
        var (back, workers) = JobSpecs.Resolve(JobSpecs.FromTrainingSpec(spec, 3));
        Assert.Equal(3, workers);
        Assert.Equal(spec.HyperParameters, back.HyperParameters);
        Assert.Equal(spec.Categories, back.Categories);
        Assert.Equal(spec with { Categories = null }, back with { Categories = null });
    }

    /// <summary>A job spec as a user writes it in JSON.</summary>
    public static JobSpec Spec(string json) => System.Text.Json.JsonSerializer.Deserialize<JobSpec>(json)!;

    /// <summary>Bad specs by case name (the field it breaks, with a number when a field has several cases).</summary>
    public static readonly IReadOnlyDictionary<string, (string Field, JobSpec Spec)> BadSpecs = new Dictionary<string, (string, JobSpec)>
    {
        ["Variant"] = ("Variant", Spec("""{"Variant": "7-columns"}""")),
        ["Preset"] = ("Preset", new JobSpec { Preset = "huge" }),
        ["Categories"] = ("Categories", Spec("""{"Categories": ["aggregation", "geometry"]}""")),
        ["TrainingExamples"] = ("TrainingExamples", Spec("""{"TrainingExamples": 0}""")),
        ["TestExamples"] = ("TestExamples", Spec("""{"TestExamples": -5}""")),
        ["Steps"] = ("Steps", Spec("""{"Steps": 0}""")),
        ["Epochs"] = ("Epochs", new JobSpec { Epochs = -1 }),
        ["EvaluateEvery"] = ("EvaluateEvery", Spec("""{"EvaluateEvery": 0}""")),
        ["Workers"] = ("Workers", new JobSpec { Workers = 0 }),
        ["Workers (2)"] = ("Workers", Spec("""{"Workers": 11, "TrainingExamples": 10, "HyperParameters": {"BatchSize": 5}}""")),
        ["Workers (3)"] = ("Workers", Spec("""{"Workers": 6, "HyperParameters": {"BatchSize": 5}}""")),
        ["BatchPerWorker"] = ("BatchPerWorker", new JobSpec { Workers = 2, BatchPerWorker = 0 }),
        ["BatchPerWorker (2)"] = ("BatchPerWorker", Spec("""{"Workers": 2, "BatchPerWorker": 10, "HyperParameters": {"BatchSize": 50}}""")),
        ["Device"] = ("Device", Spec("""{"Device": "tpu"}""")),
        ["HyperParameters.BatchSize"] = ("HyperParameters.BatchSize", Spec("""{"HyperParameters": {"BatchSize": -50}}""")),
        ["HyperParameters.BatchSize (2)"] = ("HyperParameters.BatchSize", Spec("""{"TrainingExamples": 10, "HyperParameters": {"BatchSize": 50}}""")),
        ["HyperParameters.Dimension"] = ("HyperParameters.Dimension", Spec("""{"HyperParameters": {"Dimension": 0}}""")),
        ["HyperParameters.LearningRate"] = ("HyperParameters.LearningRate", Spec("""{"HyperParameters": {"LearningRate": "NaN"}}""")),
        ["HyperParameters.NoiseEta"] = ("HyperParameters.NoiseEta", Spec("""{"HyperParameters": {"NoiseEta": "Infinity"}}""")),
        ["HyperParameters.NoiseEta (2)"] = ("HyperParameters.NoiseEta", Spec("""{"HyperParameters": {"NoiseEta": -1}}""")),
        ["HyperParameters.Beta2"] = ("HyperParameters.Beta2", Spec("""{"HyperParameters": {"Beta2": 1.5}}""")),
        ["HyperParameters.ClipNorm"] = ("HyperParameters.ClipNorm", Spec("""{"HyperParameters": {"ClipNorm": -5}}""")),
        ["HyperParameters.Comparison"] = ("HyperParameters.Comparison", Spec("""{"HyperParameters": {"Comparison": "fuzzy"}}""")),
        ["HyperParameters.NoisePer"] = ("HyperParameters.NoisePer", Spec("""{"HyperParameters": {"NoisePer": "minute"}}""")),
        ["HyperParameters.LearningRate (2)"] = ("HyperParameters.LearningRate", Spec("""{"HyperParameters": {"LearningRate": 20}}""")),
        ["HyperParameters.Epsilon"] = ("HyperParameters.Epsilon", Spec("""{"HyperParameters": {"Epsilon": 0}}""")),
        ["HyperParameters.InitScale"] = ("HyperParameters.InitScale", Spec("""{"HyperParameters": {"InitScale": 2}}""")),
        ["Seed"] = ("Seed", Spec("""{"Seed": "abc"}""")),
    };

    public static TheoryData<string> BadSpecNames => new(BadSpecs.Keys);

    [Theory]
    [MemberData(nameof(BadSpecNames))]
    public void EachBadFieldIsNamed(string name)
    {
        var (field, spec) = BadSpecs[name];
        var error = Assert.Throws<JobSpecException>(() => JobSpecs.Resolve(spec));
        Assert.Contains(error.Problems, p => p.StartsWith(field + " = ", StringComparison.Ordinal));
        Assert.Contains(field, error.Message);
    }

    [Theory]
    [InlineData("[1, 2]", "a job spec is a JSON object")]
    [InlineData("""{"Workers": "two"}""", "Workers")]
    [InlineData("""{"HyperParameters": 5}""", "HyperParameters: expected an object of settings")]
    public void MalformedJobSpecJsonIsRefusedNamingWhatIsWrong(string json, string expected)
    {
        var error = Assert.Throws<System.Text.Json.JsonException>(() => Spec(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AnUnknownSettingIsRefusedListingTheValidNames()
    {
        var error = Assert.Throws<JobSpecException>(() => JobSpecs.Resolve(Spec("""{"Stepz": 10}""")));
        Assert.StartsWith("Stepz: no such setting; valid names: Seed, Variant", error.Problems.Single());
    }

    [Fact]
    public void StepsAndEpochsTogetherAreRejected()
    {
        var error = Assert.Throws<JobSpecException>(() => JobSpecs.Resolve(Spec("""{"Steps": 10, "Epochs": 2}""")));
        Assert.Contains(error.Problems, p => p.StartsWith("Steps = 10, Epochs = 2", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var problems = JobSpecs.Validate(Spec("""{"Variant": "x", "Workers": 0, "HyperParameters": {"LearningRate": "NaN"}}"""));
        Assert.Equal(3, problems.Count);
        Assert.Empty(JobSpecs.Validate(new JobSpec { Preset = "demo" }));
    }

    [Fact]
    public void WorkersTakeNearEqualSlicesOfAnIndivisibleBatch()
    {
        var schedule = new MinibatchSchedule(100, 50, seed: 1);
        var slices = Enumerable.Range(0, 4).Select(k => schedule.Indices(7, k, 4)).ToList();
        Assert.Equal([12, 13, 12, 13], slices.Select(s => s.Length));
        Assert.Equal(schedule.Indices(7), slices.SelectMany(s => s));
        Assert.Equal(DatasetVariant.SingleColumn, JobSpecs.ToTrainingSpec(new JobSpec()).Variant);
    }
}
