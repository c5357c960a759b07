using Microsoft.Extensions.Options;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Answers;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using Orleans.Concurrency;

namespace NeuralProgrammer.Grains;

/// <summary>
/// Answers questions with a job's model (<see cref="IAskGrain"/>): a stateless worker, one per silo, that holds the
/// network of the job's latest checkpoint and reloads it when the job's last evaluation is newer. Parsing, linking and
/// inference run on <see cref="ComputePool"/>, whose queue is first come, first served: an ask waits for the steps
/// already queued, never for a whole job, and a job's next step waits for at most the asks queued before it.
/// </summary>
[StatelessWorker(1)]
public sealed class AskGrain : Grain, IAskGrain
{
    TableAnswering? answering;
    long loadedUpdate = -1;

    public AskGrain(IOptions<TorchOptions> torch) => ComputePool.Configure(torch.Value);

    string JobId => this.GetPrimaryKeyString();

    public async Task<AskReply> Ask(AskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = GrainFactory.GetGrain<ITrainingJobGrain>(JobId);
        JobStatus status;
        try { status = await job.GetStatus(); }
        catch (JobNotFoundException e) { return new AskReply(null, e.Message); }
        long update = status.Progress.LastEvaluation?.Update ?? -1;
        if (update < 0) return new AskReply(null, $"Job '{JobId}' has no model yet: it has not reached its first evaluation ({status.Progress.Update} of {status.Progress.TotalUpdates} updates).");
        if (answering is null || update > loadedUpdate) await Load(job);

        var current = answering!;
        return await ComputePool.Run(() =>
        {
            try
            {
                var table = TableCsv.Parse(request.TableCsv);
                return new AskReply(current.Answer(table, request.Question, request.TableName).ToJson(), null);
            }
            catch (FormatException e) { return new AskReply(null, e.Message); }
        });
    }

    async Task Load(ITrainingJobGrain job)
    {
        var spec = JobSpecs.ToTrainingSpec(await job.GetSpec());
        var checkpoint = await job.GetCheckpoint() ?? throw new InvalidOperationException($"Job '{JobId}' lost its checkpoint.");
        var previous = answering;
        answering = await ComputePool.Run(() =>
        {
            previous?.Dispose();
            var network = Replica.CreateNetwork(spec);
            using (var weights = ParameterVector.FromBytes(checkpoint.Weights))
                ParameterVector.SetWeights(network, weights);
            return new TableAnswering(network, spec.Variant, $"job {JobId}, update {checkpoint.Update}");
        });
        loadedUpdate = checkpoint.Update;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var current = answering;
        answering = null;
        if (current is not null) await ComputePool.Run(current.Dispose);
    }
}
