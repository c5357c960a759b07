using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Compiled by MSBuild's RoslynCodeTaskFactory against netstandard2.0: no spans, no nullable annotations.
// Marks one GLIBCXX version need as weak (VER_FLG_WEAK) in every libLibTorchSharp.so under Directory,
// but only when the host's libstdc++ does not define that version. Idempotent.
public class WeakenGlibcxxVersionNeed : Task
{
    [Required] public string Directory { get; set; } = "";
    [Required] public string Version { get; set; } = "";

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        var libraries = System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (libraries.Length == 0) return true;
        var hostLibstdcxx = FindHostLibstdcxx();
        if (hostLibstdcxx != null && Contains(File.ReadAllBytes(hostLibstdcxx), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{hostLibstdcxx} defines {Version}; libLibTorchSharp.so left as it is.");
            return true;
        }
        foreach (var library in libraries)
        {
            var bytes = File.ReadAllBytes(library);
            var changed = Weaken(bytes, Version, out var found);
            if (!found)
                Log.LogMessage(MessageImportance.Low, $"{library} has no need for {Version}.");
            if (!changed) continue;
            // Write a new file instead of writing through: the output copy may be a hard link into the NuGet cache.
            var temporary = library + ".weakened";
            File.WriteAllBytes(temporary, bytes);
            File.Delete(library);
            File.Move(temporary, library);
            Log.LogMessage(MessageImportance.Normal, $"Marked {Version} weak in {library} (host libstdc++: {hostLibstdcxx ?? "not found"}).");
        }
        return !Log.HasLoggedErrors;
    }

    static string FindHostLibstdcxx()
    {
        try
        {
            var start = new ProcessStartInfo("ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var candidate in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
            {
                start.FileName = candidate;
                if (candidate.StartsWith("/") && !File.Exists(candidate)) continue;
                using var process = Process.Start(start);
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                var line = output.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("libstdc++.so.6 ") && l.Contains("x86-64"))
                           ?? output.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("libstdc++.so.6 "));
                if (line != null) return line.Substring(line.IndexOf("=>", StringComparison.Ordinal) + 2).Trim();
                break;
            }
        }
        catch (Exception) { /* fall back to the usual paths */ }
        return new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    // Walks .gnu.version_r of a 64-bit little-endian ELF file (Elf64_Verneed / Elf64_Vernaux).
    static bool Weaken(byte[] elf, string version, out bool found)
    {
        found = false;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
            return false;
        long sectionHeaders = BitConverter.ToInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A), count = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < count; s++)
        {
            long header = sectionHeaders + (long)s * entrySize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)header + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            int needs = (int)BitConverter.ToUInt32(elf, (int)header + 0x2C);
            long strings = BitConverter.ToInt64(elf, (int)(sectionHeaders + (long)link * entrySize) + 0x18);
            bool changed = false;
            long need = offset;
            for (int n = 0; n < needs; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    var name = ReadString(elf, strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == version)
                    {
                        found = true;
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, (int)aux + 4);
                            changed = true;
                        }
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
            return changed;
        }
        return false;
    }

    static string ReadString(byte[] elf, long at)
    {
        int end = (int)at;
        while (elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)at, end - (int)at);
    }
}
