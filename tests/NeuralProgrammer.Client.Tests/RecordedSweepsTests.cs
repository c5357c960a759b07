using NeuralProgrammer.Grains.Sweeps;

namespace NeuralProgrammer.Client.Tests;

/// <summary>The recorded sweeps in Data/ are what <see cref="RecordedSweeps"/> generates; NP_WRITE_TEST_DATA=1 writes them again.</summary>
public sealed class RecordedSweepsTests
{
    public static IEnumerable<object[]> Sweeps() => [["sweep-small"], ["sweep-paper"]];

    static string Generated(string name) => SweepFiles.ResultsToJson(name == "sweep-paper" ? RecordedSweeps.Paper() : RecordedSweeps.Small());

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void TheRecordedResultsAreTheGeneratorsAndReadBack(string name)
    {
        if (Environment.GetEnvironmentVariable("NP_WRITE_TEST_DATA") == "1")
        {
            var source = Path.Combine(Repository(), "tests", "NeuralProgrammer.Client.Tests", "Data", name);
            Directory.CreateDirectory(source);
            File.WriteAllText(Path.Combine(source, "results.json"), Generated(name));
            return;
        }
        Assert.Equal(Generated(name), File.ReadAllText(RecordedSweeps.File(name)));
        var results = RecordedSweeps.Read(name);
        Assert.Equal(name == "sweep-paper" ? 216 : 8, results.Trials.Length);
    }

    static string Repository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NeuralProgrammer.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        return directory.FullName;
    }
}
