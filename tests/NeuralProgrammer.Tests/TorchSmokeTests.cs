using NeuralProgrammer.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralProgrammer.Tests;

public class TorchSmokeTests
{
    [Fact]
    public void NativeLibraryLoadsAndAutogradWorks()
    {
        using var x = tensor(new[] { 1.0f, 2.0f, 3.0f }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(new[] { 2.0f, 4.0f, 6.0f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void CpuIsTheDefaultDevice()
    {
        Assert.Equal(DeviceType.CPU, TorchDevice.Resolve(null).type);
        Assert.Equal(DeviceType.CPU, TorchDevice.Resolve("cpu").type);
    }

    [Fact]
    public void CudaAskedForWithoutCudaNamesTheProblem()
    {
        if (cuda.is_available()) return; // On a CUDA machine the request is valid; nothing to check here.
        var error = Assert.Throws<InvalidOperationException>(() => TorchDevice.Resolve("cuda"));
        Assert.Contains("CUDA is not available", error.Message);
    }

    [Fact]
    public void UnknownDeviceIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => TorchDevice.Resolve("tpu"));
        Assert.Contains("tpu", error.Message);
    }
}
