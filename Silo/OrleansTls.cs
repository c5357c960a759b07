using System.Security.Cryptography.X509Certificates;
using Orleans.Configuration;
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

    /// <summary>
    /// Fills Orleans' <see cref="TlsOptions"/>: our certificate, a required peer certificate, validation by
    /// <paramref name="check"/> (<paramref name="outbound"/>: for the connections this node opens).
    /// </summary>
    public static void Configure(TlsOptions options, X509Certificate2 certificate, TlsPeerCheck check, bool outbound)
    {
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Pinning is the identity check: silo certificate names rarely match pod IPs, so name and chain errors are not.
        options.RemoteCertificateValidation = (remote, _, _) => check.Accepts(remote, outbound);
    }

    /// <summary>
    /// What Orleans' <c>ISiloBuilder.UseTls</c> does, with one <see cref="TlsOptions"/> for the connections the silo
    /// accepts and one for those it opens, so that a refusal says which side presented the certificate
    /// (<see cref="TlsJoinGuard"/>).
    /// </summary>
    public static ISiloBuilder UseTls(ISiloBuilder silo, TlsSettings settings)
    {
        var certificate = LoadCertificate(settings);
        var check = new TlsPeerCheck(certificate, settings);
        silo.Services.AddSingleton(check);
        silo.Services.AddSingleton<TlsJoinGuard>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<TlsJoinGuard>());
        TlsOptions Options(bool outbound)
        {
            var options = new TlsOptions();
            Configure(options, certificate, check, outbound);
            return options;
        }
        return silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(Options(outbound: false)));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(Options(outbound: false)));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(Options(outbound: true)));
        });
    }

    /// <summary>
    /// For the client console: configures an Orleans client with TLS from the same <c>Tls:*</c> keys as the silo
    /// (does nothing when <c>Tls:Enabled</c> is false). Its <see cref="TlsPeerCheck"/> is a service of the client, for
    /// the console to name a refused gateway certificate instead of waiting for a connection that cannot succeed.
    /// </summary>
    public static IClientBuilder UseTls(IClientBuilder client, IConfiguration configuration)
    {
        var settings = TlsSettings.From(configuration);
        if (!settings.Enabled) return client;
        var certificate = LoadCertificate(settings);
        var check = new TlsPeerCheck(certificate, settings);
        client.Services.AddSingleton(check);
        return client.UseTls(certificate, options => Configure(options, certificate, check, outbound: true));
    }
}
