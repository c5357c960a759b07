using System.Collections.Concurrent;
using TorchSharp;

namespace NeuralProgrammer.Grains;

/// <summary>
/// Where the grains' torch work runs (docs/architecture.md 2.2 point 6): a few dedicated threads per process, outside both the
/// Orleans scheduler and the .NET thread pool, so that long forward/backward passes never hold a grain turn or a pool
/// thread and membership probes keep answering. With T torch threads per operation (<c>Torch:Threads</c>, 0 or unset
/// = 1) the pool has max(1, cores / T) threads, so that compute threads × torch threads ≤ cores however many workers,
/// parameter servers and jobs a silo hosts; work beyond that waits in the pool's queue. Process-wide, so silos that
/// share a process (the in-process test cluster) share the cores too.
/// </summary>
public static class ComputePool
{
    /// <summary>The nice value of compute threads on Linux (0 is normal, 19 the lowest priority).</summary>
    public const int ComputeNice = 5;

    static readonly object Gate = new();
    static ComputeScheduler? scheduler;

    /// <summary>Torch intra-op threads each compute thread uses.</summary>
    public static int TorchThreads { get; private set; } = 1;

    /// <summary>Number of compute threads.</summary>
    public static int Threads => Scheduler.Threads;

    /// <summary>Work queued and not yet started.</summary>
    public static int Queued => Scheduler.Queued;

    /// <summary>Sets the pool from the silo's <see cref="TorchOptions"/>; the first call in a process wins.</summary>
    public static void Configure(TorchOptions options) => Configure(options.Threads);

    /// <summary>Sets the pool for <paramref name="torchThreads"/> torch threads per operation (0 = 1); the first call in a process wins.</summary>
    public static void Configure(int torchThreads)
    {
        lock (Gate)
        {
            if (scheduler is not null) return;
            TorchThreads = Math.Max(1, torchThreads);
            scheduler = new ComputeScheduler(Math.Max(1, Environment.ProcessorCount / TorchThreads), TorchThreads);
        }
    }

    static ComputeScheduler Scheduler
    {
        get
        {
            if (scheduler is null) Configure(0);
            return scheduler!;
        }
    }

    /// <summary>Runs <paramref name="work"/> on a compute thread; awaiting it from a grain resumes on the grain's scheduler.</summary>
    public static Task<T> Run<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler);

    public static Task Run(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler);

    sealed class ComputeScheduler : TaskScheduler
    {
        readonly BlockingCollection<Task> queue = new();

        public int Threads { get; }
        public int Queued => queue.Count;

        public ComputeScheduler(int threads, int torchThreads)
        {
            Threads = threads;
            for (int i = 0; i < threads; i++)
            {
                var thread = new Thread(() =>
                {
                    LowerPriority();
                    // Torch's intra-op thread count can be per thread (OpenMP): set it on each compute thread.
                    torch.set_num_threads(torchThreads);
                    foreach (var task in queue.GetConsumingEnumerable()) TryExecuteTask(task);
                })
                {
                    IsBackground = true,
                    Name = $"np-compute-{i}",
                };
                thread.Start();
            }
        }

        public override int MaximumConcurrencyLevel => Threads;

        /// <summary>
        /// On Linux, gives the calling compute thread a nice value of <see cref="ComputeNice"/>, so that when the cores
        /// are busy the silo's own threads (message handling, membership probes, status calls) run first. .NET's
        /// thread priorities do nothing on Linux; setpriority on the thread id does. Lowering is always allowed.
        /// </summary>
        static void LowerPriority()
        {
            if (!OperatingSystem.IsLinux()) return;
            try { _ = setpriority(0 /* PRIO_PROCESS: with a thread id, that thread */, gettid(), ComputeNice); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        static extern int setpriority(int which, int who, int priority);

        [System.Runtime.InteropServices.DllImport("libc")]
        static extern int gettid();

        protected override void QueueTask(Task task) => queue.Add(task);

        // Never inline: the caller may be a grain turn or a pool thread.
        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();
    }
}
