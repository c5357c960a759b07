using System.Diagnostics;

namespace NeuralProgrammer.Deployment.Tests;

/// <summary>
/// Whether a Docker engine runs here. ./test.sh installs Debian's docker.io and starts dockerd; when it cannot, it
/// says why in NP_DOCKER_UNAVAILABLE. Under CI=true a test that needs Docker fails with that reason; elsewhere it
/// is skipped with it (reported as not run, never passed).
/// </summary>
static class Docker
{
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    static readonly Lazy<string?> Reason = new(FindReason);

    /// <summary>Why Docker cannot run here, or null if it can.</summary>
    public static string? Unavailable => Reason.Value;

    static string? FindReason()
    {
        if (Environment.GetEnvironmentVariable("NP_DOCKER_UNAVAILABLE") is { Length: > 0 } reason) return reason;
        foreach (var (command, package) in new[] { ("docker", "docker.io"), ("docker-compose", "docker-compose") })
            if (Which(command) is null) return $"'{command}' is not installed (Debian package {package}; ./test.sh installs it)";
        try
        {
            var start = new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(20_000))
            {
                process.Kill();
                return "the Docker engine did not answer 'docker info' within 20 s";
            }
            return process.ExitCode == 0 ? null : $"the Docker engine does not answer: {error.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"docker could not be started: {e.Message}";
        }
    }

    static string? Which(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(dir => Path.Combine(dir, command)).FirstOrDefault(File.Exists);

    /// <summary>Fails the calling test with the reason when Docker cannot run (reached only under CI=true; else it is skipped).</summary>
    public static void AssertAvailable()
    {
        if (Unavailable is { } reason) Assert.Fail($"Docker cannot run on this machine, and CI=true requires it: {reason}");
    }
}

/// <summary>A test that needs a Docker engine: skipped with the reason where none runs, unless CI=true (then it fails).</summary>
sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (!Docker.Required && Docker.Unavailable is { } reason) Skip = $"not run: {reason}";
    }
}
