using System.Text.Json;
using NeuralProgrammer.Model.Answers;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// <c>np ask --job</c>: a job's model answers through the ask grain exactly as its exported checkpoint answers in one
/// process, while a second job trains, and eight clients asking at once all get their answers.
/// </summary>
[Collection("cluster")]
public class AskGrainTests(ClusterFixture fixture)
{
    const string Csv = "price\n12.5\n-40.25\n77\n3.75\n-8\n51.5\n99.99\n-120\n0.5\n64\n";

    static JobSpec Small(int steps) => JobSpecTests.Spec("""
        {"Variant": "single-column", "TrainingExamples": 400, "TestExamples": 100, "EvaluateEvery": 20, "Workers": 2,
         "HyperParameters": {"Dimension": 32, "BatchSize": 20}}
        """).With("Steps", $"{steps}");

    [Fact]
    public async Task AJobsModelAnswersAsItsExportedCheckpointWhileAnotherJobTrains()
    {
        var trained = fixture.Client.GetGrain<ITrainingJobGrain>(Jobs.NewId("ask-a"));
        await trained.Start(Small(60));
        Assert.Equal(JobState.Completed, (await Jobs.WaitUntilFinished(trained, TimeSpan.FromMinutes(5))).State);
        var training = fixture.Client.GetGrain<ITrainingJobGrain>(Jobs.NewId("ask-b"));
        await training.Start(Small(100_000));
        try
        {
            var questions = new[] { "sum", "greater 20 price sum", "lesser 0 print", "count" };
            var ask = fixture.Client.GetGrain<IAskGrain>(trained.GetPrimaryKeyString());
            var fromCluster = new List<string>();
            foreach (var question in questions)
            {
                var reply = await ask.Ask(new AskRequest(Csv, "t.csv", question));
                Assert.True(reply.Refused is null, reply.Refused);
                fromCluster.Add(reply.AnswerJson!);
            }

            using var local = Export(await trained.GetSpec(), (await trained.GetCheckpoint())!);
            var fromCheckpoint = questions.Select(q => local.Answer(TableCsv.Parse(Csv), q, "t.csv")).ToList();
            for (int i = 0; i < questions.Length; i++)
            {
                var cluster = JsonSerializer.Deserialize<AnswerReport>(fromCluster[i], AnswerReport.Json)!;
                Assert.StartsWith($"job {trained.GetPrimaryKeyString()}, update 60", cluster.Model);
                Assert.Equal(fromCheckpoint[i].ToJson(), (cluster with { Model = fromCheckpoint[i].Model }).ToJson());
            }
            Assert.Equal(JobState.Running, (await training.GetStatus()).State);

            // Eight clients at once, while the other job trains: every one answered, the same answer.
            var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ask.Ask(new AskRequest(Csv, "t.csv", questions[1]))));
            Assert.All(replies, r => Assert.Equal(fromCluster[1], r.AnswerJson));

            var refused = await ask.Ask(new AskRequest(Csv, "t.csv", "average price"));
            Assert.Contains("'average'", refused.Refused);
            var unknown = await fixture.Client.GetGrain<IAskGrain>("no-such-job").Ask(new AskRequest(Csv, "t.csv", "sum"));
            Assert.Contains("no-such-job", unknown.Refused);
        }
        finally
        {
            await training.Cancel();
        }
    }

    /// <summary>What <c>np result --out</c> writes and <c>np ask --model</c> reads: the job's checkpoint as a file.</summary>
    static TableAnswering Export(JobSpec jobSpec, ModelCheckpoint checkpoint)
    {
        var spec = JobSpecs.ToTrainingSpec(jobSpec);
        var path = Path.Combine(Path.GetTempPath(), $"np-ask-{Guid.NewGuid():N}.ckpt");
        using (var weights = ParameterVector.FromBytes(checkpoint.Weights))
        using (var first = ParameterVector.FromBytes(checkpoint.FirstMoment))
        using (var second = ParameterVector.FromBytes(checkpoint.SecondMoment))
            Checkpoint.Save(path, spec, checkpoint.Update, TimeSpan.Zero, weights, first, second, []);
        var (network, header) = Checkpoint.LoadNetwork(path);
        File.Delete(path);
        return new TableAnswering(network, header.Spec.Variant, path);
    }
}
