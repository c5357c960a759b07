using System.Runtime.InteropServices;

namespace NeuralProgrammer.Model;

/// <summary>
/// Keeps the native memory that libtorch frees for its next tensors. glibc's malloc hands every freed block above its
/// mmap threshold (128 KiB, rising to at most 32 MiB as it sees larger frees) back to the kernel and trims its heap
/// above 128 KiB, and a pass at batch 500 allocates and frees tens of megabytes of tensors: each pass page-faulted
/// fresh zeroed memory, 27% of an inference pass at batch 500 (bench/profile.sh; README, "Performance"). With the
/// threshold fixed at 32 MiB and the trim threshold at 256 MiB, freed blocks are reused. The peak resident memory is
/// what the passes need either way; between passes up to 256 MiB more stays mapped. Linux with glibc only.
/// </summary>
public static class NativeHeap
{
    const int TrimThreshold = -1, TopPad = -2, MmapThreshold = -3;
    static int tuned;

    /// <summary>Sets glibc's thresholds once per process (every network's constructor calls it); elsewhere nothing.</summary>
    public static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref tuned, 1) == 1) return;
        try
        {
            _ = mallopt(MmapThreshold, 32 << 20);
            _ = mallopt(TrimThreshold, 256 << 20);
            _ = mallopt(TopPad, 16 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc
    }

    [DllImport("libc")]
    static extern int mallopt(int parameter, int value);
}
