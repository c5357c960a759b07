using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>
/// A program run as its own process with exactly the given environment (plus what a process needs: PATH, HOME,
/// DOTNET_*), its output captured line by line with the time it came. Killed with its process tree on dispose, and
/// when this process exits, so that nothing a test (or the bench) started outlives it.
/// </summary>
sealed class ChildProcess : IAsyncDisposable
{
    static readonly ConcurrentDictionary<ChildProcess, byte> Running = new();
    static readonly string[] KeptEnvironment = ["PATH", "HOME", "DOTNET_ROOT", "DOTNET_CLI_HOME", "NUGET_PACKAGES", "TMPDIR", "LANG"];

    static ChildProcess()
    {
        // A test host (or bench) that is stopped (session timeout, Ctrl+C) still takes its children with it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var child in Running.Keys) child.KillTree();
        };
    }

    readonly Process process;
    readonly Timeline timeline;
    readonly List<(TimeSpan At, string Line)> lines = [];
    readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> waiters = [];
    readonly Task exited;

    public string Name { get; }
    public int Id { get; }

    ChildProcess(string name, Process process, Timeline timeline)
    {
        (Name, this.process, this.timeline, Id) = (name, process, timeline, process.Id);
        process.OutputDataReceived += (_, e) => Received(e.Data);
        process.ErrorDataReceived += (_, e) => Received(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        exited = Exited();
    }

    async Task Exited()
    {
        await process.WaitForExitAsync();
        exitCode = process.ExitCode;
    }

    public static ChildProcess Start(string name, string file, IEnumerable<string> args, Timeline timeline,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // Nothing of this process's own environment leaks in (NP_* settings, ASPNETCORE_*, a developer's DOTNET_ENVIRONMENT).
        foreach (var key in start.Environment.Keys.ToList())
            if (!KeptEnvironment.Contains(key)) start.Environment.Remove(key);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var child = new ChildProcess(name, process, timeline);
        Running[child] = 0;
        timeline.Log($"started {name} (pid {process.Id}): {Path.GetFileName(file)} {string.Join(' ', args)}");
        return child;
    }

    void Received(string? line)
    {
        if (line is null) return;
        lock (lines)
        {
            lines.Add((timeline.Now, line));
            foreach (var waiter in waiters.Where(w => w.Match(line)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
        }
    }

    public bool HasExited => exited.IsCompleted;

    public int ExitCode => exitCode ?? throw new InvalidOperationException($"{Name} has not exited");

    int? exitCode;

    /// <summary>Everything the process printed so far (stdout and stderr interleaved as they came).</summary>
    public string Output
    {
        get { lock (lines) return string.Join('\n', lines.Select(l => l.Line)); }
    }

    /// <summary>The output with the time of each line, at most the last <paramref name="last"/> lines.</summary>
    public string Log(int last = 400)
    {
        lock (lines)
        {
            var text = new StringBuilder($"{Name} (pid {Id}{(exitCode is { } code ? $", exit {code}" : ", running")})\n");
            if (lines.Count > last) text.AppendLine($"... {lines.Count - last} earlier lines left out");
            foreach (var (at, line) in lines.Skip(Math.Max(0, lines.Count - last))) text.AppendLine($"[{at:mm\\:ss\\.f}] {line}");
            return text.ToString();
        }
    }

    /// <summary>The first output line (past or future) that <paramref name="match"/> accepts; fails if the process ends or time runs out first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (lines)
        {
            if (lines.FirstOrDefault(l => match(l.Line)).Line is { } seen) return seen;
            waiters.Add((match, found));
        }
        var first = await Task.WhenAny(found.Task, exited, Task.Delay(timeout));
        if (first == found.Task) return await found.Task;
        lock (lines) waiters.RemoveAll(w => w.Found == found);
        if (found.Task.IsCompleted) return await found.Task;
        throw new TimeoutException(first == exited
            ? $"{Name} exited ({exitCode}) before {what}"
            : $"{Name} did not show {what} within {timeout.TotalSeconds:F0} s");
    }

    /// <summary>Waits for the process to end; returns its exit code, or null if it is still running when time is up.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(exited, Task.Delay(timeout)) != exited) return null;
        await exited;
        return exitCode;
    }

    /// <summary>SIGKILL to this process alone: no shutdown, no goodbye to the cluster, as when a machine dies.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false); // SIGKILL on Linux
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        timeline.Log($"killed {Name} (pid {Id}) with SIGKILL");
    }

    void KillTree()
    {
        try
        {
            if (!exited.IsCompleted) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    public async ValueTask DisposeAsync()
    {
        KillTree();
        try { await exited.WaitAsync(TimeSpan.FromSeconds(15)); }
        catch (TimeoutException) { timeline.Log($"{Name} (pid {Id}) did not exit after SIGKILL within 15 s"); }
        Running.TryRemove(this, out _);
        process.Dispose();
    }
}

