using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;

namespace NeuralProgrammer.Grains.Tests;

/// <summary>
/// Before a job's first step its workers build their training set, program memory and replica, and the job shows
/// how far they are: the parameter server streams the least advanced worker's progress, ending with all ready, and
/// the steps then use the replicas built.
/// </summary>
[Collection("cluster")]
public class PreparationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task TheServerStreamsItsWorkersPreparationAndTheStepsUseWhatTheyBuilt()
    {
        var id = Jobs.NewId("prepare");
        var spec = new JobSpec { Preset = "quickstart", Workers = 2 };
        var training = JobSpecs.ToTrainingSpec(spec);
        var memory = Replica.CreateMemory(training, DataSets.Training(training))!;
        using var metrics = new MetricsRecorder(id);
        var server = fixture.Client.GetGrain<IParameterServerGrain>(id);
        await server.Initialize(new ParameterServerInit(new WorkerAssignment(id, spec, 0, 2, "cpu"), null));

        var reports = new List<Preparation>();
        await foreach (var report in server.Prepare()) reports.Add(report);

        var ready = reports[^1];
        Assert.Equal(new Preparation(PreparationPhase.Ready, memory.Questions, memory.Questions, 2, 2, ready.Seconds, memory.ToString()), ready);
        Assert.All(reports.SkipLast(1), r => Assert.True(r.WorkersReady < 2, $"{r}"));
        Assert.All(reports, r => Assert.Equal(2, r.Workers));
        Assert.All(reports, r => Assert.InRange(r.Searched, 0, Math.Max(r.Groups, 0)));
        Assert.All(reports.Where(r => r.Phase == PreparationPhase.ProgramSearch && r.Groups > 0), r => Assert.Equal(memory.Questions, r.Groups));
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Phase <= p.Second.Phase && p.First.Seconds <= p.Second.Seconds),
            string.Join(", ", reports.Select(r => $"{r.Phase} {r.Searched}/{r.Groups} {r.Seconds:F2}s")));

        await server.Step(0);
        await server.Step(1);
        Assert.Equal(2, metrics.Count("np_workers_active")); // one replica per worker: the steps built none

        var again = new List<Preparation>();
        await foreach (var report in server.Prepare()) again.Add(report);
        Assert.Equal(PreparationPhase.Ready, again.Single().Phase);
        await server.Release();
    }
}
