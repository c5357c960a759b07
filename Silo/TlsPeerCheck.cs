using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace NeuralProgrammer.Silo;

/// <summary>
/// The pinned check of a TLS peer's certificate (<see cref="OrleansTls"/>): accepted if it is this node's own
/// certificate or one of <c>Tls:AllowedThumbprints</c>, and valid now. Orleans' TLS middleware only logs "Authentication
/// failed" and retries, so a node whose certificate does not match the cluster's would wait without saying why; each
/// refused certificate is therefore reported once per direction through <see cref="Refused"/>, with a message that
/// names both certificates and the keys to check.
/// </summary>
public sealed class TlsPeerCheck(X509Certificate2 local, TlsSettings settings)
{
    readonly HashSet<string> allowed = new(settings.AllowedThumbprints, StringComparer.OrdinalIgnoreCase) { local.Thumbprint };
    readonly ConcurrentDictionary<(string, bool), byte> reported = new();

    /// <summary>Raised on the connection's thread, once per refused certificate and direction.</summary>
    public event Action<TlsRefusal>? Refused;

    public bool Accepts(X509Certificate2? remote, bool outbound)
    {
        if (remote is null) return false;
        var problem = Problem(remote, DateTime.Now);
        if (problem is null) return true;
        if (reported.TryAdd((remote.Thumbprint, outbound), 0))
        {
            var peer = outbound ? "the silo or gateway this node connected to" : "a node that connected to this one";
            Refused?.Invoke(new TlsRefusal(
                $"TLS handshake refused: {peer} presented certificate {Describe(remote)}, which {problem}. This node accepts only its own " +
                $"certificate, {Describe(local)} from Tls:CertificatePath='{settings.CertificatePath}', and those in Tls:AllowedThumbprints " +
                $"({(settings.AllowedThumbprints.Count == 0 ? "none" : string.Join(", ", settings.AllowedThumbprints))}): " +
                "every silo and client of a cluster needs the cluster's certificate or one listed there.",
                remote.Thumbprint, outbound));
        }
        return false;
    }

    string? Problem(X509Certificate2 remote, DateTime now)
    {
        if (!allowed.Contains(remote.Thumbprint)) return "is neither this node's certificate nor in Tls:AllowedThumbprints";
        if (now < remote.NotBefore) return $"is not valid before {remote.NotBefore.ToString("u", CultureInfo.InvariantCulture)}";
        if (now > remote.NotAfter) return $"expired on {remote.NotAfter.ToString("u", CultureInfo.InvariantCulture)}";
        return null;
    }

    static string Describe(X509Certificate2 certificate) => $"'{certificate.Subject}' (thumbprint {certificate.Thumbprint})";
}
