using Microsoft.Extensions.DependencyInjection;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using Orleans.Configuration;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// An evaluation may outlast the cluster's response timeout (text match 5 on a shared machine: 25 s on average against
/// Orleans's 30 s); it must not pass for a lost parameter server, which made the job rebuild it and redo its updates.
/// Here the silo's timeout is 2 s and every evaluation takes 3 s more than it would.
/// </summary>
public class SlowEvaluationTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2), Delay = TimeSpan.FromSeconds(3);

    sealed class SlowEvaluationFilter : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.Grain is IParameterServerGrain && context.InterfaceMethod.Name.StartsWith(nameof(IParameterServerGrain.Evaluate), StringComparison.Ordinal))
                await Task.Delay(Delay);
            await context.Invoke();
        }
    }

    [Fact]
    public async Task AnEvaluationLongerThanTheResponseTimeoutIsWaitedFor()
    {
        await using var cluster = await Clusters.Start(silos: 1, configure: silo =>
        {
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = Timeout);
            silo.AddIncomingGrainCallFilter<SlowEvaluationFilter>();
        });
        var spec = new TrainingSpec
        {
            Variant = DatasetVariant.SingleColumn,
            TrainingExamples = 200,
            TestExamples = 20,
            Steps = 4,
            EvaluateEvery = 2,
            HyperParameters = HyperParameters.Default with { Dimension = 16, BatchSize = 20 },
        };
        var job = cluster.Client.GetGrain<ITrainingJobGrain>(Jobs.NewId("slow-evaluation"));
        await job.Start(JobSpecs.FromTrainingSpec(spec, workers: 1));
        var status = await Jobs.WaitUntilFinished(job, TimeSpan.FromMinutes(2));

        Assert.True(status.State == JobState.Completed, status.Error);
        Assert.Equal(0, status.Resumes); // at the default timeout: the server "failed" at every evaluation and the job gave up
        Assert.Equal([2L, 4], (await job.GetResult()).Curve.Select(p => p.Update));
    }
}
