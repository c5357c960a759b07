using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Grains;

/// <summary>
/// Flat float32 tensors to and from the <c>byte[]</c> of grain messages with one copy each way (the tensor's storage
/// to the array, or the array into a new tensor), the same bytes as <c>ParameterVector.ToBytes/FromBytes</c> without
/// their intermediate <c>float[]</c>: a step moves several megabytes per worker, and large arrays cost GC time.
/// </summary>
public static class Packing
{
    public static byte[] ToBytes(Tensor flat)
    {
        using var scope = NewDisposeScope();
        var cpu = flat.detach().to(ScalarType.Float32, CPU).contiguous();
        return cpu.bytes.ToArray();
    }

    public static Tensor FromBytes(byte[] bytes, Device? device = null)
    {
        if (bytes.Length % sizeof(float) != 0) throw new ArgumentException($"{bytes.Length} bytes is not a whole number of float32 values.");
        var tensor = empty(bytes.Length / sizeof(float), ScalarType.Float32);
        tensor.bytes = bytes;
        if (device is null || device.type == DeviceType.CPU) return tensor;
        using (tensor) return tensor.to(device);
    }
}
