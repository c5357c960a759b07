using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>Self-signed certificates for server and client authentication, written as password-protected PFX files in a temporary folder deleted on dispose.</summary>
public sealed class TestCertificates : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("np-tls-").FullName;

    /// <summary>Writes <c>name.pfx</c> (subject CN=name, valid from yesterday for a week) and returns its path.</summary>
    public string Make(string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var path = Path.Combine(directory, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    public static string Thumbprint(string pfx, string password)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(pfx, password);
        return certificate.Thumbprint;
    }

    /// <summary>The <c>Tls:*</c> settings of a node that presents <paramref name="pfx"/>.</summary>
    public static Dictionary<string, string> Settings(string pfx, string password) => new()
    {
        ["Tls:Enabled"] = "true",
        ["Tls:CertificatePath"] = pfx,
        ["Tls:CertificatePassword"] = password,
    };

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
