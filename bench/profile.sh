#!/usr/bin/env bash
# Where one phase's time goes, by kind of work: runs the bench's phase alone under `perf record` (one process, the
# given torch threads) and sums the samples by the native symbol they fall in — matrix products, tanh, copies and
# concatenations, elementwise kernels, reductions, allocation, and the per-operation overhead of dispatch, TorchSharp
# and .NET around them. Samples count CPU time, so a busy machine slows the run but moves the shares little.
#   bench/profile.sh VARIANT BATCH train|infer [THREADS=1] [SECONDS=10]
# Needs perf (apt-get install -y linux-perf). Example: bench/profile.sh 5-columns 500 infer
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:?variant}; batch=${2:?batch}; phase=${3:?train or infer}; threads=${4:-1}; seconds=${5:-10}
command -v perf >/dev/null || { echo "profile.sh needs perf: apt-get install -y linux-perf" >&2; exit 1; }
dotnet build bench/NeuralProgrammer.Bench -c Release -v quiet -nologo >/dev/null
data=$(mktemp /tmp/np-profile.XXXXXX)
trap 'rm -f "$data"' EXIT
perf record -q -F 999 -o "$data" bench/NeuralProgrammer.Bench/bin/Release/net10.0/NeuralProgrammer.Bench \
  --row "$variant:$batch" --profile "$phase" --threads "$threads" --seconds "$seconds" 2>/dev/null | tail -1
# The bench's setup (data, network, first steps) is in the samples too; the phase runs for $seconds of them.
perf report -i "$data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | awk '
  /^ +[0-9.]+%/ {
    share = $1; sub("%", "", share); line = $0
    if (line ~ /sgemm|sgemv|gemm|bmm_out_or_baddbmm|addmm/) kind = "matrix products (MKL sgemm/sgemv, small bmm)"
    else if (line ~ /Tanh|tanh/) kind = "tanh (MKL VML) and its backward"
    else if (line ~ /cat_serial|copy_kernel|direct_copy|memmove|memcpy|index_select|gather|scatter|index_put|index_copy/) kind = "copies, concatenations, gathers"
    else if (line ~ /sum|reduce|norm|softmax|max_kernel|argmax/) kind = "reductions and softmax"
    else if (line ~ /normal_kernel|random|Generator/) kind = "random numbers (gradient noise)"
    else if (line ~ /VectorizedLoop|cpu_kernel|vml|where_kernel|fill_kernel|addcdiv|addcmul|_kernel/) kind = "elementwise kernels"
    else if (line ~ /malloc|free|_int_|unlink_chunk|memset|clear_page|page_fault|mmap|munmap/) kind = "allocation and freeing"
    else if (line ~ /libcoreclr|libclrjit|System\.|doublemapper|TorchSharp|LibTorchSharp/) kind = ".NET and TorchSharp (calls, handles, JIT)"
    else if (line ~ /c10::|at::|torch::|libc10|dispatch|Dispatch|OperatorEntry|TensorImpl|intrusive_ptr|autograd/) kind = "libtorch dispatch, tensor bookkeeping, autograd"
    else kind = "other (kernel, libc, threads)"
    total[kind] += share
  }
  END { for (k in total) printf "%6.1f%%  %s\n", total[k], k }' | sort -rn
