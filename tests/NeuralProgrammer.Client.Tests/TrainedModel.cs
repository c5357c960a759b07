namespace NeuralProgrammer.Client.Tests;

/// <summary>One checkpoint trained by <c>np train</c> on the demo preset (single column, aggregation and comparison), shared by the tests.</summary>
public static class TrainedModel
{
    static readonly Lazy<Task<string>> Checkpoint = new(async () =>
    {
        var directory = Directory.CreateTempSubdirectory("np-client-tests-").FullName;
        var path = System.IO.Path.Combine(directory, "demo.ckpt");
        var outcome = await Np.Run("train", "--checkpoint", path, "--out", System.IO.Path.Combine(directory, "run"));
        if (outcome.ExitCode != 0) throw new InvalidOperationException($"np train failed: {outcome.Error}\n{outcome.Output}");
        return path;
    });

    public static Task<string> Path() => Checkpoint.Value;
}
