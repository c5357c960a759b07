using System.CommandLine;
using NeuralProgrammer.Grains;
using NeuralProgrammer.Model;
using NeuralProgrammer.Model.Data;
using NeuralProgrammer.Model.Training;
using Spectre.Console;
using TorchSharp;

namespace NeuralProgrammer.Client;

/// <summary>
/// <c>np train</c>: trains a model — as a job on the cluster (an embedded in-process silo unless <c>--cluster</c> names
/// one), or with <c>--local</c> (or <c>--checkpoint</c>/<c>--resume</c>) in this process with the single-process trainer —
/// and prints its test accuracy per category and a few induced programs.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var trainOptions = new TrainOptions();
        var workers = new Option<int>("--workers") { Description = "Worker grains K; each computes the gradient of B/K examples", DefaultValueFactory = _ => 1 };
        var jobId = new Option<string?>("--job-id") { Description = "Id of the cluster job (default: generated)" };
        var local = new Option<bool>("--local") { Description = "Train in this process with the single-process trainer instead of on the cluster" };
        // One intra-op thread by default: at batch 50 the ops are too small to split well, and on a busy machine
        // torch threads that spin while they wait made steps 10-70x slower with 2 threads than with 1.
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads of a --local run (default 1; more helps large batches on an idle machine)", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Directory for result.json, curve.png and model.ckpt (default runs/<variant>-seed<seed>-<time>)" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Train locally and write a checkpoint (weights + optimizer) here after every evaluation" };
        var resume = new Option<string?>("--resume") { Description = "Resume locally the run saved in this checkpoint (--steps raises its budget)" };

        var command = new Command("train", "Train a Neural Programmer and print its test accuracy per category and a few induced programs");
        foreach (var option in trainOptions.All.Concat([workers, jobId, ClusterSession.ClusterOption, local, threads, output, checkpoint, resume]))
            command.Options.Add(option);
        command.SetAction((parse, cancellation) => Cli.RunAsync(async () =>
        {
            if (parse.GetValue(threads) < 1) throw new ArgumentException($"--threads {parse.GetValue(threads)}: must be at least 1.");
            if (parse.GetValue(workers) < 1) throw new ArgumentException($"--workers {parse.GetValue(workers)}: must be at least 1.");
            torch.set_num_threads(parse.GetValue(threads));
            var spec = trainOptions.ToSpec(parse);
            bool inProcess = parse.GetValue(local) || parse.GetValue(checkpoint) is not null || parse.GetValue(resume) is not null;
            if (inProcess && parse.GetValue(ClusterSession.ClusterOption) is not null)
                throw new ArgumentException("--cluster: a cluster job checkpoints to grain storage; --local, --checkpoint and --resume train in this process.");

            var directory = parse.GetValue(output) ?? RunReport.DefaultDirectory(spec);
            // Before the training rather than after it: a run's result is written at its end.
            AtomicFile.CheckWritable(directory);
            if (parse.GetValue(checkpoint) is { } saved) AtomicFile.CheckWritable(Path.GetDirectoryName(Path.GetFullPath(saved))!);
            AnsiConsole.MarkupLine($"[bold]Training[/] {Describe(spec)}, {torch.get_num_threads()} threads");
            var result = inProcess
                ? LocalTraining.Run(spec, parse.GetValue(checkpoint), parse.GetValue(resume), cancellation)
                : await RunOnCluster(parse, spec, parse.GetValue(workers), parse.GetValue(jobId), directory, cancellation);
            RunReport.Print(result);
            var (json, plot) = RunReport.Write(result, directory);
            AnsiConsole.MarkupLine($"result: {Markup.Escape(json)}, learning curve: {Markup.Escape(plot)}");
        }));
        return command;
    }

    public static string Describe(TrainingSpec spec) =>
        $"{spec.Variant.Name()}{(spec.Categories is null ? "" : $" ({string.Join(", ", spec.Categories).ToLowerInvariant()})")}, " +
        $"{spec.Steps:N0} updates of {spec.HyperParameters.BatchSize}, {spec.TrainingExamples:N0} training examples, seed {spec.Seed}";

    static async Task<TrainingResult> RunOnCluster(ParseResult parse, TrainingSpec spec, int workers, string? id, string directory, CancellationToken cancellation)
    {
        await using var session = await ClusterSession.Open(parse, CancellationToken.None);
        id ??= $"{spec.Variant.Name()}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
        var job = session.Grains.GetGrain<ITrainingJobGrain>(id);
        await job.Start(JobSpecs.FromTrainingSpec(spec, workers));
        await session.Grains.GetGrain<IJobCatalogGrain>(IJobCatalogGrain.Key).Add(new CatalogEntry(id, "job", Describe(spec), DateTimeOffset.UtcNow));
        AnsiConsole.MarkupLine($"job [bold]{Markup.Escape(id)}[/] on {Markup.Escape(session.Description)}, {workers} worker{(workers == 1 ? "" : "s")}");
        try
        {
            var final = await JobCommands.Follow(job, cancellation);
            if (final.State != JobState.Completed)
            {
                var status = await job.GetStatus();
                throw new InvalidOperationException($"job {id} {status.State.ToString().ToLowerInvariant()}{(status.Error is null ? "" : $": {status.Error}")}");
            }
        }
        catch (OperationCanceledException) when (session.Embedded)
        {
            await job.Cancel(); // the embedded silo ends with this process: stop its job rather than orphan it
            throw;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine($"detached; job {Markup.Escape(id)} goes on: np watch {Markup.Escape(id)} --cluster {Markup.Escape(parse.GetValue(ClusterSession.ClusterOption)!)}");
            throw;
        }
        var result = await job.GetResult();
        if (await JobResults.SaveModel(job, result, directory) is { } path)
            AnsiConsole.MarkupLine($"model: {Markup.Escape(path)} (np ask --model {Markup.Escape(path)} ...)");
        return JobResults.ToTrainingResult(result);
    }
}
