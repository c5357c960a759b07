namespace NeuralProgrammer.Client.Tests;

/// <summary>Every command answers bad input with exit code 1 and a one-line reason that names the problem.</summary>
public class BadInputTests
{
    static async Task AssertFails(string expected, params string[] args)
    {
        var outcome = await Np.Run(args);
        Assert.True(outcome.ExitCode != 0, $"np {string.Join(' ', args)} exited 0: {outcome.Output}");
        Assert.Contains(expected, outcome.Error + outcome.Output);
    }

    [Fact] public Task TrainWithAnUnknownVariant() => AssertFails("--variant 'seven-columns': unknown dataset variant", "train", "--variant", "seven-columns");
    [Fact] public Task TrainWithNaNLearningRate() => AssertFails("--lr NaN: must be a finite number", "train", "--lr", "NaN");
    [Fact] public Task TrainWithZeroSteps() => AssertFails("--steps 0: must be positive", "train", "--steps", "0");
    [Fact] public Task TrainWithAnUnknownCategory() => AssertFails("--categories 'lookup': 'lookup' is not a template category", "train", "--categories", "lookup");
    [Fact] public Task TrainWithAnUnknownNoiseUnit() => AssertFails("--noise-per 'hour': must be step or epoch", "train", "--noise-per", "hour");
    [Fact] public Task TrainWithABatchLargerThanTheData() => AssertFails("BatchSize = 500", "train", "--batch", "500", "--train-size", "100");
    [Fact] public Task TrainWithAnUnknownDevice() => AssertFails("'tpu'", "train", "--device", "tpu", "--steps", "1");
    [Fact] public Task TrainResumingAMissingCheckpoint() => AssertFails("No checkpoint at", "train", "--resume", "/nonexistent/run.ckpt");
    [Fact] public Task TrainWithAnUnparsableNumber() => AssertFails("--steps", "train", "--steps", "many");

    [Fact] public Task AskWithAMissingCheckpoint() => AssertFails("No checkpoint at", "ask", "--model", "/nonexistent/model.ckpt", "--table", "t.csv", "sum A");
    [Fact] public Task AskWithoutATable() => AssertFails("--table", "ask", "--model", "m.ckpt", "sum A");

    [Fact]
    public async Task AskWithARaggedTable()
    {
        var model = await TrainedModel.Path();
        var csv = Path.GetTempFileName();
        await File.WriteAllTextAsync(csv, "A\n1\n2,3\n");
        try
        {
            await AssertFails("Line 3", "ask", "--model", model, "--table", csv, "sum A");
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public async Task AskWithAFileThatIsNotACheckpoint()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "not a checkpoint");
        try
        {
            await AssertFails("is not a Neural Programmer checkpoint", "ask", "--model", path, "--table", path, "sum A");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact] public Task EvalWithAMissingCheckpoint() => AssertFails("No checkpoint at", "eval", "--model", "/nonexistent/model.ckpt");
    [Fact] public async Task EvalWithAnUnknownVariant() => await AssertFails("Unknown dataset variant 'x'", "eval", "--model", await TrainedModel.Path(), "--variant", "x");
    [Fact] public Task ExportWithAMissingCheckpoint() => AssertFails("No checkpoint at", "export", "--model", "/nonexistent/model.ckpt", "--out", "/tmp/x.pt");
    [Fact] public Task TrainWithZeroWorkers() => AssertFails("--workers 0", "train", "--workers", "0");
    [Fact] public Task TrainLocallyOnACluster() => AssertFails("--cluster", "train", "--local", "--cluster", "127.0.0.1:30000");
    [Fact] public Task TrainOnAClusterThatIsNotThere() => AssertFails("Cannot reach the cluster at '127.0.0.1:1'", "train", "--cluster", "127.0.0.1:1", "--steps", "1");
    [Fact] public Task ANonsenseClusterAddress() => AssertFails("'nowhere' is not host:port", "list", "--cluster", "nowhere");
    [Fact] public Task StatusOfAnUnknownJob() => AssertFails("No training job 'no-such-job' exists", "status", "no-such-job");
    [Fact] public Task WatchOfAnUnknownJob() => AssertFails("No training job 'no-such-job' exists", "watch", "no-such-job");
    [Fact] public Task ResultOfAnUnknownJob() => AssertFails("no-such-job", "result", "no-such-job");
    [Fact] public Task CancelOfAnUnknownJob() => AssertFails("no-such-job", "cancel", "no-such-job");
    [Fact] public Task ListOnAClusterThatIsNotThere() => AssertFails("Cannot reach the cluster", "list", "--cluster", "127.0.0.1:1");
    [Fact] public Task AnUnknownCommand() => AssertFails("frobnicate", "frobnicate");
}
