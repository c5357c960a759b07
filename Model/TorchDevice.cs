using TorchSharp;

namespace NeuralProgrammer.Model;

/// <summary>Resolves the configured device name (<c>cpu</c> default, or <c>cuda</c>) to a torch device.</summary>
public static class TorchDevice
{
    public static torch.Device Resolve(string? name)
    {
        var requested = string.IsNullOrWhiteSpace(name) ? "cpu" : name.Trim().ToLowerInvariant();
        if (requested == "cpu") return torch.CPU;
        if (requested == "cuda" || requested.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new InvalidOperationException(
                    $"Device '{name}' was asked for, but CUDA is not available: this build references the CPU libtorch " +
                    "or the machine has no usable GPU. Build with -p:TorchPlatform=cuda on a machine with a CUDA " +
                    "libtorch package (see README, \"CUDA\"), or use --device cpu.");
            return new torch.Device(requested);
        }
        throw new ArgumentException($"Unknown device '{name}': expected 'cpu' or 'cuda' (or 'cuda:N').", nameof(name));
    }
}
