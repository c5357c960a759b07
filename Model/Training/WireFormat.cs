using static TorchSharp.torch;

namespace NeuralProgrammer.Model.Training;

/// <summary>
/// How weights and gradients travel between the parameter server and the workers (docs/architecture.md 2.2):
/// float32, or a 16-bit float that halves the bytes of every step. The server's weights and Adam moments stay float32;
/// workers compute in float32 on the rounded weights, and the server averages the rounded gradients in float32.
/// </summary>
public enum WireFormat { Float32, BFloat16, Float16 }

public static class WireFormats
{
    public static ScalarType ScalarType(this WireFormat format) => format switch
    {
        WireFormat.BFloat16 => TorchSharp.torch.ScalarType.BFloat16,
        WireFormat.Float16 => TorchSharp.torch.ScalarType.Float16,
        _ => TorchSharp.torch.ScalarType.Float32,
    };

    public static int BytesPerValue(this WireFormat format) => format == WireFormat.Float32 ? sizeof(float) : 2;
}
