namespace NeuralProgrammer.Tests.Shared;

/// <summary>The programs from Debian that the tests and the distributed bench start (redis-server, prometheus, promtool, yamllint, docker-compose).</summary>
public static class Commands
{
    /// <summary>The full path of <paramref name="command"/> on PATH, or an exception naming its Debian package (./test.sh installs it).</summary>
    public static string Require(string command, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"'{command}' is not installed. It comes from the Debian package '{debianPackage}' " +
                                            $"(apt-get install {debianPackage}); ./test.sh installs it.");
    }
}

/// <summary>Polls a condition until it holds or the time is up.</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(250));
        }
        return await condition();
    }
}
