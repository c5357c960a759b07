using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using static TorchSharp.torch;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// docs/architecture.md 2.2 point 8: with the same seed, a distributed run computes the single-process trainer's weights —
/// one worker step for step, and K workers with B/K examples each the run on batch B.
/// </summary>
[Collection("cluster")]
public class EquivalenceTests(ClusterFixture fixture)
{
    const double Tolerance = 1e-5;

    static TrainingSpec Small(double noiseEta, int batch = 20, double memory = 0) => new()
    {
        Variant = DatasetVariant.Columns3,
        TrainingExamples = 200,
        TestExamples = 40,
        Steps = 12,
        EvaluateEvery = 12,
        Seed = 3,
        HyperParameters = HyperParameters.Default with { Dimension = 16, BatchSize = batch, NoiseEta = noiseEta, ProgramMemoryWeight = memory },
    };

    static float[] SingleProcess(TrainingSpec spec) => Jobs.SingleProcess(spec);

    async Task<float[]> Distributed(JobSpec spec)
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>(Jobs.NewId("equivalence"));
        await job.Start(spec);
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(2));
        Assert.True(status.State == JobState.Completed, status.Error);
        Assert.Equal((long)JobSpecs.ToTrainingSpec(spec).Steps, (await job.GetCheckpoint())!.Update);
        return await Jobs.Weights(job);
    }

    static void AssertClose(float[] expected, float[] actual) => Jobs.AssertClose(expected, actual, Tolerance);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public async Task OneWorkerMatchesTheSingleProcessTrainer(double noiseEta)
    {
        var spec = Small(noiseEta);
        var reference = SingleProcess(spec);
        AssertClose(reference, await Distributed(JobSpecs.FromTrainingSpec(spec, workers: 1)));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(1.0, 100.0)]
    public async Task FourWorkersWithAQuarterBatchEachMatchTheFullBatch(double noiseEta, double programMemory)
    {
        var spec = Small(noiseEta, batch: 20, programMemory);
        var reference = SingleProcess(spec);
        var quarter = JobSpecs.FromTrainingSpec(spec, workers: 4).With("HyperParameters.BatchSize", null) with { BatchPerWorker = 5 };
        AssertClose(reference, await Distributed(quarter));
    }

    [Fact]
    public async Task ABatchThatDoesNotDivideIsSlicedAndWeightedByExampleCount()
    {
        var spec = Small(noiseEta: 0, batch: 22); // 3 workers: 7, 7 and 8 examples
        AssertClose(SingleProcess(spec), await Distributed(JobSpecs.FromTrainingSpec(spec, workers: 3)));
    }

    [Fact]
    public void TheFlatVectorTravelsAsItsFloat32Bytes()
    {
        using var values = randn(1_000);
        var packed = ParameterVector.ToBytes(values);
        Assert.Equal(ParameterVector.ToArray(values).SelectMany(BitConverter.GetBytes), packed);
        using var back = ParameterVector.FromBytes(packed);
        Assert.True(back.eq(values).all().item<bool>());
        using var doubles = values.to(ScalarType.Float64);
        Assert.Equal(packed, ParameterVector.ToBytes(doubles));
        using var asDoubles = ParameterVector.FromBytes(packed, ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, asDoubles.dtype);
        Assert.True(asDoubles.to(ScalarType.Float32).eq(values).all().item<bool>());
    }

    [Fact]
    public void TheWeightedAverageIsTheMeanOverAllExamples()
    {
        var a = new float[] { 1, 2, 3 };
        var b = new float[] { 4, 8, -3 };
        byte[] Pack(float[] v) => ParameterVector.ToBytes(tensor(v));
        using var mean = GradientAverage.Weighted([(Pack(a), 1), (Pack(b), 3)]);
        Assert.Equal([3.25f, 6.5f, -1.5f], ParameterVector.ToArray(mean));
        Assert.Throws<ArgumentException>(() => GradientAverage.Weighted([(Pack(a), 1), (Pack([1f]), 1)]));
    }
}
