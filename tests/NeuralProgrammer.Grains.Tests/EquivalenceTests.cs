using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using static TorchSharp.torch;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// docs/architecture.md 2.2 point 8: with the same seed, a distributed run computes the single-process trainer's weights —
/// one worker step for step, K workers with B/K examples each the run on batch B, and S parameter-server shards the
/// one server's update.
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

    async Task<float[]> Distributed(JobSpec spec) => (await Run(spec)).Weights;

    async Task<(float[] Weights, JobStatus Status)> Run(JobSpec spec)
    {
        var job = fixture.Client.GetGrain<ITrainingJobGrain>(Jobs.NewId("equivalence"));
        await job.Start(spec);
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(2));
        Assert.True(status.State == JobState.Completed, status.Error);
        Assert.Equal((long)JobSpecs.ToTrainingSpec(spec).Steps, (await job.GetCheckpoint())!.Update);
        return (await Jobs.Weights(job), status);
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

    /// <summary>
    /// S shards, each updating its slice of the vector, compute the one server's update: the noise on (each shard adds its
    /// slice of the whole draw), a clipping threshold every gradient exceeds and an ε that makes Adam's step about
    /// proportional to the gradient, so that a shard clipping by its own slice's norm rather than the global one fails.
    /// </summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(1, 4)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 4)]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    [InlineData(4, 4)]
    public async Task ShardsAndWorkersMatchTheSingleProcessTrainer(int shards, int workers)
    {
        var spec = Small(noiseEta: 1.0) with { Shards = shards };
        spec = spec with { HyperParameters = spec.HyperParameters with { ClipNorm = 0.05, Epsilon = 1, LearningRate = 1, NoiseEta = 1e-4 } };
        var (weights, status) = await Run(JobSpecs.FromTrainingSpec(spec, workers).With("HyperParameters.BatchSize", null) with { BatchPerWorker = 20 / workers });
        AssertClose(SingleProcess(spec), weights);
        Assert.Equal(shards, status.ShardSilos.Length);
        Assert.Equal(Math.Min(shards, fixture.Cluster.Silos.Count), status.ShardSilos.Distinct().Count()); // spread over the silos
    }

    /// <summary>
    /// A checkpoint taken with S shards resumes with another S (as after a silo's death with S chosen anew): 6 updates on
    /// 2 shards, then 6 on 3 from the checkpoint, equal 12 in one process.
    /// </summary>
    [Fact]
    public async Task ACheckpointResumesWithAnotherShardCount()
    {
        var spec = Small(noiseEta: 1.0) with { Steps = 12 };
        var first = fixture.Client.GetGrain<IParameterServerGrain>(Jobs.NewId("reshard"));
        var second = fixture.Client.GetGrain<IParameterServerGrain>(Jobs.NewId("reshard"));
        var assignment = (string job, int shards) => new WorkerAssignment(job, JobSpecs.FromTrainingSpec(spec with { Shards = shards }, workers: 2), 0, 2, "cpu");

        await first.Initialize(new ParameterServerInit(assignment(first.GetPrimaryKeyString(), 2), null));
        for (long update = 0; update < 6; update++) await first.Step(update);
        var checkpoint = await first.GetCheckpoint();
        await first.Release();
        Assert.Equal(6, checkpoint.Update);

        await second.Initialize(new ParameterServerInit(assignment(second.GetPrimaryKeyString(), 3), checkpoint));
        StepReport? last = null;
        for (long update = 6; update < 12; update++) last = await second.Step(update);
        Assert.Equal(3, last!.ShardSilos.Length);
        var resumed = await second.GetCheckpoint();
        await second.Release();
        AssertClose(SingleProcess(spec), ParameterVector.ToArray(ParameterVector.FromBytes(resumed.Weights)));
    }

    [Fact]
    public void ShardsAreContiguousSlicesThatCoverTheVector()
    {
        foreach (var (parameters, shards) in new[] { (603_136L, 1), (603_136L, 3), (10L, 4), (3L, 8) })
        {
            var slices = Enumerable.Range(0, shards).Select(s => ParameterSlice.Of(s, shards, parameters)).ToList();
            Assert.Equal(0, slices[0].Offset);
            Assert.Equal(parameters, slices[^1].End);
            Assert.All(slices.Zip(slices.Skip(1)), p => Assert.Equal(p.First.End, p.Second.Offset));
            Assert.True(slices.Max(s => s.Count) - slices.Min(s => s.Count) <= 1);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterSlice.Of(2, 2, 10));
    }

    [Theory]
    [InlineData(1, 603_136, 4, 2, 1)]   // 4.8 MB a step: one shard
    [InlineData(4, 603_136, 4, 2, 1)]   // 19.3 MB: still one
    [InlineData(5, 603_136, 4, 2, 2)]   // 24.1 MB: two
    [InlineData(32, 603_136, 4, 2, 2)]  // never more shards than silos
    [InlineData(32, 603_136, 4, 16, 8)] // 154 MB over 20 MB: eight
    [InlineData(32, 603_136, 2, 16, 4)] // bfloat16 halves it
    public void TheDefaultShardCountKeepsEachShardsTrafficWithinItsBudget(int workers, long parameters, int bytesPerValue, int silos, int expected) =>
        Assert.Equal(expected, ParameterServerGrain.ChooseShards(workers, parameters, bytesPerValue, silos));

    /// <summary>A job scores its validation set at every evaluation, as the single-process trainer does (same weights within 1e-5: at most one argmax may differ).</summary>
    [Fact]
    public async Task AJobScoresTheValidationSetAtEveryEvaluationAsOneProcessDoes()
    {
        var spec = Small(noiseEta: 0) with { ValidationExamples = 30, EvaluateEvery = 6 };
        using var trainer = new Trainer(spec);
        trainer.Run();
        var job = fixture.Client.GetGrain<ITrainingJobGrain>(Jobs.NewId("validation"));
        await job.Start(JobSpecs.FromTrainingSpec(spec, workers: 2));
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(2));
        Assert.True(status.State == JobState.Completed, status.Error);

        var curve = (await job.GetResult()).Curve;
        Assert.Equal(trainer.Curve.Select(p => p.Update), curve.Select(p => p.Update));
        foreach (var (local, cluster) in trainer.Curve.Zip(curve))
            Assert.InRange(Math.Abs(local.ValidationAccuracy!.Value - cluster.ValidationAccuracy!.Value), 0, 1.0 / 30 + 1e-9);
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
