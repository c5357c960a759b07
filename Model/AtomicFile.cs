using System.Text;

namespace NeuralProgrammer.Model;

/// <summary>
/// Writes files so that a reader finds the previous file or the whole new one, never a torn one: the content goes to
/// a temporary file in the same folder, is flushed to disk, then renamed over the target. A failure (an unwritable
/// folder, a full disk, a crash) leaves the target as it was and no temporary file behind, and throws an
/// <see cref="IOException"/> that names the target and the cause.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));

    public static void Write(string path, Action<Stream> write) => WriteVia(path, temporary =>
    {
        using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write);
        write(stream);
    });

    /// <summary>For libraries that write to a path of their own (plots, torch's savers): <paramref name="writeTo"/> gets the temporary path.</summary>
    public static void WriteVia(string path, Action<string> writeTo)
    {
        var target = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(target)!;
        // The extension stays last: some writers choose the format by it.
        var temporary = Path.Combine(directory, $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid():N}.partial{Path.GetExtension(target)}");
        try
        {
            Directory.CreateDirectory(directory);
            writeTo(temporary);
            using (var written = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite)) written.Flush(flushToDisk: true);
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temporary); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException) throw new IOException($"Cannot write {path}: {Cause(e, temporary)}", e);
            throw;
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and writes a file in it, then removes both, so that a run that would write there
    /// at its end fails before its work rather than after; throws an <see cref="IOException"/> naming the folder.
    /// </summary>
    public static void CheckWritable(string directory)
    {
        var probe = Path.Combine(directory, $".np-write-check.{Guid.NewGuid():N}");
        bool existed = Directory.Exists(directory);
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
            if (!existed) Directory.Delete(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write into the folder {directory}: {Cause(e, probe)}", e);
        }
    }

    /// <summary>The system's reason without the temporary file's name, which means nothing to the user.</summary>
    static string Cause(Exception e, string temporary) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        _ => e.Message.Replace($" : '{temporary}'", "").Replace($"'{temporary}'", "the file").TrimEnd('.'),
    };
}
