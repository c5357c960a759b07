using System.Diagnostics;

namespace NeuralProgrammer.Client.Tests;

/// <summary>Runs the <c>np</c> console as its own process, as a user would, and collects what it prints.</summary>
public static class Np
{
    public sealed record Outcome(int ExitCode, string Output, string Error);

    public static Task<Outcome> Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>np with settings in its environment, e.g. <c>NP_Tls__CertificatePath</c>.</summary>
    public static async Task<Outcome> RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "np.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"np {string.Join(' ', args)} did not finish in 10 minutes");
        }
        return new Outcome(process.ExitCode, await output, await error);
    }
}
