namespace NeuralProgrammer.Client.Tests;

/// <summary><c>np train</c> with no cluster named runs a job on an embedded in-process silo, end to end.</summary>
public class EmbeddedClusterTests
{
    [Fact]
    public async Task TrainsOnTwoWorkersAndWritesResultCurveAndModel()
    {
        var directory = Directory.CreateTempSubdirectory("np-embedded-").FullName;
        try
        {
            var outcome = await Np.Run("train", "--workers", "2", "--steps", "40", "--eval-every", "20", "--train-size", "500", "--dim", "32", "--out", directory);
            Assert.True(outcome.ExitCode == 0, outcome.Error + outcome.Output);
            Assert.Contains("on embedded silo, 2 workers", outcome.Output);
            Assert.Matches(@"accuracy: \d+\.\d\d%", outcome.Output);
            Assert.Contains("\"Updates\": 40", await File.ReadAllTextAsync(Path.Combine(directory, "result.json")));
            Assert.True(new FileInfo(Path.Combine(directory, "curve.png")).Length > 1000);

            var csv = Path.Combine(directory, "t.csv");
            await File.WriteAllTextAsync(csv, "A\n1\n2\n3\n");
            var ask = await Np.Run("ask", "--model", Path.Combine(directory, "model.ckpt"), "--table", csv, "count");
            Assert.True(ask.ExitCode == 0, ask.Error + ask.Output);
            Assert.Contains("Induced program", ask.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
