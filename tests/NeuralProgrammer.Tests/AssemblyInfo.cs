// One test at a time. Each runs torch on one thread (tests/Shared/TorchThreads.cs), so running two at once saves little
// on 2 cores; and TorchSharp 0.107 passes temporary Scalars to libtorch without keeping them alive (every
// Tensor + Tensor makes one for its alpha of 1), so a garbage collection that another thread's allocations start during
// a torch call can let the finalizer free a Scalar that the call is still reading: "Unknown scalar type" or "Expected
// false to be true" from c10/core/Scalar.h. Measured with two threads running torch ops and a third allocating: 114 of
// 360,669 rounds of six torch calls failed; with one thread running torch and nothing else allocating, none of 672,029.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
