using NeuralProgrammer.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Tests.Training;

public class ParameterUpdateTests
{
    static readonly HyperParameters NoNoise = HyperParameters.Default with { NoiseEta = 0, ClipNorm = 0, LearningRate = 0.01 };

    [Fact]
    public void AdamMatchesTorchSharpsAdam()
    {
        var generator = new TorchSharp.torch.Generator(7);
        var start = randn([1000], ScalarType.Float64, generator: generator);
        var gradients = Enumerable.Range(0, 5).Select(_ => randn([1000], ScalarType.Float64, generator: generator)).ToList();

        using var ours = new ParameterUpdate(start, NoNoise, seed: 1, updatesPerEpoch: 10);
        foreach (var g in gradients) ours.Apply(g);

        var parameter = new TorchSharp.Modules.Parameter(start.clone());
        var adam = optim.Adam([parameter], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: NoNoise.Epsilon);
        foreach (var g in gradients)
        {
            adam.zero_grad();
            parameter.grad = g.clone();
            adam.step();
        }
        Assert.True(allclose(ours.Weights, parameter.detach(), rtol: 1e-10, atol: 1e-12), "flat Adam differs from torch.optim.Adam");
        Assert.Equal(5, ours.Updates);
    }

    [Fact]
    public void AHalfLifeDecaysTheLearningRateAsTorchsExponentialSchedule()
    {
        var generator = new TorchSharp.torch.Generator(8);
        var start = randn([500], ScalarType.Float64, generator: generator);
        var gradients = Enumerable.Range(0, 6).Select(_ => randn([500], ScalarType.Float64, generator: generator)).ToList();
        var decaying = NoNoise with { LearningRateHalfLife = 3 };

        using var ours = new ParameterUpdate(start, decaying, seed: 1, updatesPerEpoch: 10);
        foreach (var g in gradients) ours.Apply(g);
        Assert.Equal(0.01 / 4, ours.LearningRate(6), 15);

        var parameter = new TorchSharp.Modules.Parameter(start.clone());
        var adam = optim.Adam([parameter], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: NoNoise.Epsilon);
        var schedule = optim.lr_scheduler.ExponentialLR(adam, gamma: Math.Pow(2, -1.0 / 3));
        foreach (var g in gradients)
        {
            adam.zero_grad();
            parameter.grad = g.clone();
            adam.step();
            schedule.step();
        }
        Assert.True(allclose(ours.Weights, parameter.detach(), rtol: 1e-10, atol: 1e-12), "the decayed Adam differs from torch.optim.Adam with ExponentialLR");
    }

    [Fact]
    public void ClippingScalesTheGradientToTheThreshold()
    {
        var clipped = NoNoise with { ClipNorm = 1, LearningRate = 1, Beta1 = 0, Beta2 = 0, Epsilon = 1e-12 };
        using var update = new ParameterUpdate(zeros(4, ScalarType.Float64), clipped, seed: 1, updatesPerEpoch: 1);
        var stats = update.Apply(tensor(new double[] { 30, 40, 0, 0 }));
        Assert.Equal(50, stats.GradientNorm, 9);
        // With β1 = β2 = 0, Adam moves each weight by lr·g/|g|: the sign only, so check the direction instead via the moment.
        Assert.Equal(new[] { 0.6, 0.8, 0, 0 }, update.FirstMoment.data<double>().ToArray().Select(v => Math.Round(v, 9)));
    }

    [Theory]
    [InlineData(NoiseUnit.Step)]
    [InlineData(NoiseUnit.Epoch)]
    public void NoiseVarianceFollowsTheAnnealingSchedule(NoiseUnit unit)
    {
        var hyperParameters = HyperParameters.Default with { NoiseEta = 1.0, NoiseGamma = 0.55, NoisePer = unit };
        const long updatesPerEpoch = 1000;
        var noise = new GradientNoise(hyperParameters, seed: 3, updatesPerEpoch);
        foreach (var update in new long[] { 0, 1, 10, 999, 1000, 5000, 100_000 })
        {
            using var gradient = zeros(200_000, ScalarType.Float64);
            noise.AddTo(gradient, update);
            long t = unit == NoiseUnit.Step ? update : update / updatesPerEpoch;
            double expected = 1.0 / Math.Pow(1 + t, 0.55);
            double measured = gradient.var().item<double>();
            Assert.True(Math.Abs(measured / expected - 1) < 0.02, $"update {update}: variance {measured:E4}, schedule {expected:E4}");
            Assert.True(Math.Abs(gradient.mean().item<double>()) < 4 * Math.Sqrt(expected / 200_000), "noise is not centred");
        }
    }

    [Fact]
    public void NoiseDrawnAheadGivesTheSameUpdate()
    {
        var noisy = HyperParameters.Default with { NoiseEta = 0.5, ClipNorm = 1 };
        var start = randn([5000]);
        var gradient = randn([5000]);
        using var plain = new ParameterUpdate(start, noisy, seed: 8, updatesPerEpoch: 10);
        using var ahead = new ParameterUpdate(start, noisy, seed: 8, updatesPerEpoch: 10);
        for (int i = 0; i < 3; i++)
        {
            plain.Apply(gradient);
            ahead.PrepareNoise();
            ahead.Apply(gradient);
        }
        Assert.True(plain.Weights.eq(ahead.Weights).all().item<bool>());
        Assert.False(plain.Weights.eq(start).all().item<bool>());
    }

    [Fact]
    public void NoiseOfAnUpdateIsTheSameWhoeverDrawsIt()
    {
        var hyperParameters = HyperParameters.Default;
        using var a = zeros(1000);
        using var b = zeros(1000);
        using var c = zeros(1000);
        new GradientNoise(hyperParameters, 9, 100).AddTo(a, 42);
        new GradientNoise(hyperParameters, 9, 100).AddTo(b, 42);
        new GradientNoise(hyperParameters, 9, 100).AddTo(c, 43);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }
}
