using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace NeuralProgrammer.Deployment.Tests;

/// <summary>Paths in the repository and of the Silo's build output.</summary>
static class Repo
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuralProgrammer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No NeuralProgrammer.sln above {AppContext.BaseDirectory}");
    }

    public static string Path_(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The silo built by the ProjectReference, in the same configuration as this test assembly.</summary>
    public static string SiloDll
    {
        get
        {
            var configuration = Regex.Match(AppContext.BaseDirectory, @"[\\/]bin[\\/]([^\\/]+)[\\/]").Groups[1].Value;
            var dll = Path_("Silo", "bin", configuration, "net10.0", "NeuralProgrammer.Silo.dll");
            Assert.True(File.Exists(dll), $"the silo is not built at {dll}");
            return dll;
        }
    }
}

sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>External programs that .CI/run installs from Debian (redis-server, yamllint, docker-compose, promtool).</summary>
static class Tool
{
    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null,
        string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            WorkingDirectory = workingDirectory ?? Repo.Root,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A redis-server on a free 127.0.0.1 port, without persistence; stopped (killed) on dispose.</summary>
sealed class RedisServer : IAsyncDisposable
{
    readonly Process _process;
    readonly string _directory;
    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    RedisServer(Process process, int port, string directory) => (_process, Port, _directory) = (process, port, directory);

    public static async Task<RedisServer> StartAsync()
    {
        var executable = Commands.Require("redis-server", "redis-server");
        var port = Ports.Free();
        var directory = Directory.CreateTempSubdirectory("np-redis-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--daemonize", "no", "--protected-mode", "yes", "--dir", directory })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var server = new RedisServer(process, port, directory);
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (await RedisPing.AnswersAsync(port)) return server;
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        lock (log) throw new InvalidOperationException($"redis-server did not answer PING on {port}:\n{log}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

