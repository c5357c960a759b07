using System.CommandLine;
using System.Text.Json;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Model.Answers;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Client;

/// <summary>Where <c>np ask</c>'s answers come from: a checkpoint loaded once in this process, or a cluster job's ask grain.</summary>
abstract class Answerer : IAsyncDisposable
{
    public abstract Task<AnswerReport> Answer(string tablePath, string question);
    public abstract ValueTask DisposeAsync();

    public static Answerer Local(string checkpoint)
    {
        var (network, header) = Checkpoint.LoadNetwork(checkpoint);
        return new LocalAnswerer(new TableAnswering(network, header.Spec.Variant, checkpoint));
    }

    public static async Task<Answerer> Cluster(string job, ParseResult parse, CancellationToken cancellation) =>
        new ClusterAnswerer(await ClusterSession.Open(parse, cancellation), job);

    sealed class LocalAnswerer(TableAnswering answering) : Answerer
    {
        // A batch asks many questions about few tables: each is read once.
        readonly Dictionary<string, Table> tables = [];

        public override Task<AnswerReport> Answer(string tablePath, string question)
        {
            if (!tables.TryGetValue(tablePath, out var table)) tables[tablePath] = table = TableCsv.Read(tablePath);
            return Task.FromResult(answering.Answer(table, question, tablePath));
        }

        public override ValueTask DisposeAsync()
        {
            answering.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    sealed class ClusterAnswerer(ClusterSession session, string job) : Answerer
    {
        readonly IAskGrain grain = session.Grains.GetGrain<IAskGrain>(job);

        public override async Task<AnswerReport> Answer(string tablePath, string question)
        {
            var reply = await grain.Ask(new AskRequest(await File.ReadAllTextAsync(tablePath), tablePath, question));
            if (reply.Refused is { } refused) throw new AskRefusedException(refused);
            return JsonSerializer.Deserialize<AnswerReport>(reply.AnswerJson!, AnswerReport.Json)!;
        }

        public override ValueTask DisposeAsync() => session.DisposeAsync();
    }
}
