using System.Diagnostics;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>What happened when, for a test's output (or the bench's): a run of several processes is read as a timeline.</summary>
sealed class Timeline(Action<string> writeLine)
{
    readonly Stopwatch clock = Stopwatch.StartNew();

    public TimeSpan Now => clock.Elapsed;

    public void Log(string message)
    {
        try { writeLine($"[{Now:mm\\:ss\\.f}] {message}"); }
        catch (InvalidOperationException) { } // the test has already ended
    }

    public void Dump(string title, string text)
    {
        try { writeLine($"===== {title}\n{text}"); }
        catch (InvalidOperationException) { }
    }
}
