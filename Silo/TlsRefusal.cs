namespace NeuralProgrammer.Silo;

/// <summary>
/// A peer's TLS certificate that <see cref="TlsPeerCheck"/> refused, and the message that names it, this node's own
/// certificate and the keys to check. <see cref="Outbound"/>: this node opened the connection (to a silo or gateway),
/// so the refused certificate belongs to a member of the cluster it is trying to reach.
/// </summary>
public sealed record TlsRefusal(string Message, string Thumbprint, bool Outbound);
