using System.Diagnostics;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>
/// A small tmpfs mounted on a fresh folder: read-only (a folder nobody can write, root included, where chmod would
/// not stop root) or a few kilobytes large (a disk that fills). Only a process allowed to mount (root with
/// CAP_SYS_ADMIN) can; <see cref="Unavailable"/> says why not, and <see cref="TmpfsFactAttribute"/> skips with it.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    public string Path { get; }

    Tmpfs(string path) => Path = path;

    /// <summary>Mounts a tmpfs with mount's <c>-o</c> options, e.g. <c>ro,size=64k</c> or <c>size=96k</c>.</summary>
    public static Tmpfs Mount(string options)
    {
        var folder = Directory.CreateTempSubdirectory("np-tmpfs-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", folder);
        if (code == 0) return new Tmpfs(folder);
        Directory.Delete(folder);
        throw new InvalidOperationException($"mount -t tmpfs -o {options} failed ({code}): {output}");
    }

    /// <summary>Null where a tmpfs can be mounted, else the reason it cannot (probed once).</summary>
    public static string? Unavailable => Probe.Value;

    static readonly Lazy<string?> Probe = new(() =>
    {
        try
        {
            using var _ = Mount("size=4k");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"this process may not mount a tmpfs (needs root with CAP_SYS_ADMIN): {e.Message}";
        }
    });

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}

/// <summary>A fact that needs <see cref="Tmpfs"/>: skipped, with the reason, where this process may not mount one.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } reason) Skip = reason;
    }
}
