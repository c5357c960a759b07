using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// All parameters of a module as one flat vector, in the module's registration order (<c>named_parameters()</c>),
/// each tensor flattened row-major. Gradients and weights travel between workers and the parameter server this way.
/// </summary>
public static class ParameterVector
{
    public static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>The names and shapes, in order: the layout of the flat vector.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Layout(nn.Module module) =>
        module.named_parameters().Select(p => (p.name, p.parameter.shape)).ToList();

    public static Tensor Weights(nn.Module module)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return cat(module.parameters().Select(p => p.detach().flatten()).ToArray(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>The flat gradient; parameters without a gradient contribute zeros.</summary>
    public static Tensor Gradients(nn.Module module)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return cat(module.parameters().Select(p => p.grad is null ? zeros_like(p).flatten() : p.grad.flatten()).ToArray(), 0).MoveToOuterDisposeScope();
    }

    public static void SetWeights(nn.Module module, Tensor flat) => Scatter(module, flat, gradients: false);

    public static void SetGradients(nn.Module module, Tensor flat) => Scatter(module, flat, gradients: true);

    static void Scatter(nn.Module module, Tensor flat, bool gradients)
    {
        long expected = Count(module);
        if (flat.numel() != expected)
            throw new ArgumentException($"A flat vector of {flat.numel()} values does not fit a model of {expected} parameters.");
        // The slices are views of flat: left to the finalizer, they would keep its storage (a worker's unpacked weights,
        // one copy per update) alive until the next GC, which does not see native memory.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long offset = 0;
        foreach (var parameter in module.parameters())
        {
            var slice = flat.narrow(0, offset, parameter.numel()).view(parameter.shape).to(parameter.dtype, parameter.device);
            if (!gradients) parameter.copy_(slice);
            else if (parameter.grad is null) parameter.grad = slice.clone();
            else parameter.grad.copy_(slice);
            offset += parameter.numel();
        }
    }

    public static float[] ToArray(Tensor flat)
    {
        using var scope = NewDisposeScope();
        return flat.to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// The flat vector as the bytes of grain messages and checkpoints (float32 unless <paramref name="format"/> says
    /// otherwise), with one copy (the tensor's storage to the array).
    /// </summary>
    public static byte[] ToBytes(Tensor flat, WireFormat format = WireFormat.Float32)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)flat.numel() * format.BytesPerValue()));
        CopyTo(flat, bytes, format);
        return bytes;
    }

    /// <summary>
    /// Writes the flat vector's bytes in <paramref name="format"/> into <paramref name="destination"/>, an array the
    /// caller reuses: a fresh array of megabytes per message costs more than the copy (the .NET GC hands out new
    /// pages, each a page fault, and the large object heap's churn runs full collections), about 3 ms a step on a
    /// 2-core VM.
    /// </summary>
    public static void CopyTo(Tensor flat, byte[] destination, WireFormat format = WireFormat.Float32)
    {
        using var scope = NewDisposeScope();
        var source = flat.detach().to(format.ScalarType(), CPU).contiguous();
        if (source.numel() * format.BytesPerValue() != destination.Length)
            throw new ArgumentException($"A flat vector of {source.numel()} values in {format} does not fit {destination.Length} bytes.");
        source.bytes.CopyTo(destination);
    }

    /// <summary>A flat vector of <paramref name="dtype"/> from bytes in <paramref name="format"/>, with one copy (the array into a new tensor) and the conversion.</summary>
    public static Tensor FromBytes(byte[] bytes, ScalarType dtype = ScalarType.Float32, Device? device = null, WireFormat format = WireFormat.Float32)
    {
        int width = format.BytesPerValue();
        if (bytes.Length % width != 0) throw new ArgumentException($"{bytes.Length} bytes is not a whole number of {format} values.");
        var tensor = empty(bytes.Length / width, format.ScalarType());
        tensor.bytes = bytes;
        if (dtype == format.ScalarType() && (device is null || device.type == DeviceType.CPU)) return tensor;
        using (tensor) return tensor.to(dtype, device ?? CPU);
    }
}
