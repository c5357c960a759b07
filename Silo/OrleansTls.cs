using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace NeuralProgrammer.Silo;

/// <summary>
/// TLS for silo-to-silo and client-to-gateway connections (Microsoft.Orleans.Connections.Security), from the
/// <c>Tls:*</c> keys. Both ends present a certificate (mutual TLS) and a peer is accepted only if its certificate is
/// this node's own certificate (a cluster that shares one certificate) or one of <c>Tls:AllowedThumbprints</c>:
/// a certificate that merely chains to some public CA is not enough to join the cluster.
/// </summary>
public static class OrleansTls
{
    /// <summary>Loads the PKCS#12 file named by the settings (certificate with its private key).</summary>
    public static X509Certificate2 LoadCertificate(TlsSettings settings)
    {
        if (settings.CertificatePath is null)
            throw new SiloConfigurationException("Tls:CertificatePath is not set.");
        if (!File.Exists(settings.CertificatePath))
            throw new SiloConfigurationException($"Tls:CertificatePath='{settings.CertificatePath}' does not exist.");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new SiloConfigurationException(
                $"Tls:CertificatePath='{settings.CertificatePath}' could not be read as a PKCS#12 file with Tls:CertificatePassword: {e.Message}");
        }
        if (!certificate.HasPrivateKey)
            throw new SiloConfigurationException($"Tls:CertificatePath='{settings.CertificatePath}' has no private key.");
        return certificate;
    }

    /// <summary>Fills Orleans' <see cref="TlsOptions"/>: our certificate, a required peer certificate, pinned validation.</summary>
    public static void Configure(TlsOptions options, X509Certificate2 certificate, TlsSettings settings)
    {
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        var allowed = new HashSet<string>(settings.AllowedThumbprints, StringComparer.OrdinalIgnoreCase) { certificate.Thumbprint };
        // Pinning is the identity check: silo certificate names rarely match pod IPs, so name and chain errors are not.
        options.RemoteCertificateValidation = (remote, _, _) => IsAllowed(remote, allowed);
    }

    static bool IsAllowed(X509Certificate2? remote, HashSet<string> allowed) =>
        remote is not null && allowed.Contains(remote.Thumbprint) && DateTime.Now >= remote.NotBefore && DateTime.Now <= remote.NotAfter;

    public static ISiloBuilder UseTls(ISiloBuilder silo, TlsSettings settings)
    {
        var certificate = LoadCertificate(settings);
        return silo.UseTls(certificate, options => Configure(options, certificate, settings));
    }

    /// <summary>
    /// For the client console: configures an Orleans client with TLS from the same <c>Tls:*</c> keys as the silo
    /// (does nothing when <c>Tls:Enabled</c> is false).
    /// </summary>
    public static IClientBuilder UseTls(IClientBuilder client, IConfiguration configuration)
    {
        var settings = TlsSettings.From(configuration);
        if (!settings.Enabled) return client;
        var certificate = LoadCertificate(settings);
        return client.UseTls(certificate, options => Configure(options, certificate, settings));
    }
}
