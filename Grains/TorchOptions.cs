namespace NeuralProgrammer.Grains;

/// <summary>
/// Torch settings for the grains, bound from the <c>Torch</c> configuration section (<c>NP_Torch__Device</c>,
/// <c>NP_Torch__Threads</c>) by every silo the project hosts, and read by the grains as <c>IOptions&lt;TorchOptions&gt;</c>.
/// </summary>
public sealed class TorchOptions
{
    public const string Section = "Torch";

    /// <summary><c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Torch intra-op threads per silo; 0 leaves the choice to the grains (workers × threads ≤ cores).</summary>
    public int Threads { get; set; }
}
