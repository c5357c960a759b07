using System.Runtime.CompilerServices;
using TorchSharp;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>
/// One torch intra-op thread for everything a test assembly computes in its own process, set before any of its tests
/// runs (each thread that later runs torch takes the process's setting on its first op). With more than one thread,
/// libtorch splits reductions between threads and MKL chooses per call how many threads to use (MKL_DYNAMIC is on
/// until set_num_threads is called), so the order of float additions is not fixed: on the 2-core machine the demo
/// training took another path with 2 threads than with 1 from its first updates (loss at update 100: 24.233 vs 24.288)
/// and learned the comparison questions at another update (1,000–1,250 vs 1,250–1,500 of 2,000), and what such a
/// run reaches must not depend on how many threads the machine's load leaves it. One thread leaves one order. It is
/// also the fast setting on a busy machine: the same 2,000 updates took 48 s with 1 thread and 367 s with the default
/// 2 while another build ran (threads that spin while they wait for each other).
/// </summary>
static class TorchThreads
{
#pragma warning disable CA2255 // a module initializer in a test assembly: it must run before any test touches torch
    [ModuleInitializer]
    internal static void OneIntraOpThread() => torch.set_num_threads(1);
#pragma warning restore CA2255
}
