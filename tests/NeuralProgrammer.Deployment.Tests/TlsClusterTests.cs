using Xunit.Abstractions;
using System.Security.Cryptography.X509Certificates;

namespace NeuralProgrammer.Deployment.Tests;

public sealed class TlsClusterTests(ITestOutputHelper output) : IDisposable
{
    readonly TestCertificates certificates = new();

    public void Dispose() => certificates.Dispose();

    string MakeCertificate(string name, string password) => certificates.Make(name, password);

    [Fact]
    public async Task A_TLS_cluster_accepts_a_client_with_the_certificate_and_refuses_one_without_TLS_or_with_another_certificate()
    {
        var certificate = MakeCertificate("np-cluster", "s3cret");
        var tls = new Dictionary<string, string>
        {
            ["Tls:Enabled"] = "true",
            ["Tls:CertificatePath"] = certificate,
            ["Tls:CertificatePassword"] = "s3cret",
        };
        await using var a = await TestSilo.StartAsync(tls);
        // Silo-to-silo over TLS: the second silo joins through the first.
        await using var b = await TestSilo.StartAsync(new Dictionary<string, string>(tls) { ["Cluster:PrimarySilo"] = $"127.0.0.1:{a.SiloPort}" });
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(a.ActiveMembers().Count == 2 && b.ActiveMembers().Count == 2),
            TimeSpan.FromSeconds(30)), "the two TLS silos did not form a cluster");

        var gateway = new Dictionary<string, string?> { ["Cluster:Gateways"] = $"127.0.0.1:{a.GatewayPort}" };

        await using (var client = await TestClient.ConnectAsync(new Dictionary<string, string?>(gateway)
        {
            ["Tls:Enabled"] = "true",
            ["Tls:CertificatePath"] = certificate,
            ["Tls:CertificatePassword"] = "s3cret",
        }))
        {
            Assert.Equal(2, await client.ActiveSiloCountAsync());
        }

        // Plain TCP to a TLS gateway: the handshake fails and the client never connects.
        var plainError = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var plain = await TestClient.ConnectAsync(gateway, TimeSpan.FromSeconds(8));
            await plain.ActiveSiloCountAsync();
        });
        output.WriteLine($"plain client: {plainError.GetType().Name}: {plainError.Message}");

        // TLS with a certificate the cluster does not know: refused by the silo's pinned validation.
        var stranger = MakeCertificate("stranger", "other");
        var foreignError = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var foreign = await TestClient.ConnectAsync(new Dictionary<string, string?>(gateway)
            {
                ["Tls:Enabled"] = "true",
                ["Tls:CertificatePath"] = stranger,
                ["Tls:CertificatePassword"] = "other",
            }, TimeSpan.FromSeconds(8));
            await foreign.ActiveSiloCountAsync();
        });
        output.WriteLine($"foreign client: {foreignError.GetType().Name}: {foreignError.Message}");

        // The same refusals seen on the wire: the gateway closes a plaintext connection, and fails the handshake of a
        // TLS client whose certificate it does not know, while it completes the handshake with the cluster's own.
        await AssertPlaintextIsDroppedAsync(a.GatewayPort);
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(a.GatewayPort, stranger, "other"));
        await HandshakeAsync(a.GatewayPort, certificate, "s3cret");
    }

    [Fact]
    public async Task A_silo_with_another_certificate_stops_with_a_named_error_and_does_not_join()
    {
        var certificate = MakeCertificate("np-cluster", "s3cret");
        var stranger = MakeCertificate("stranger", "other");
        await using var member = await TestSilo.StartAsync(TestCertificates.Settings(certificate, "s3cret"));

        var ports = Ports.Free(3);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var joiner = SiloProcess.Start("stranger", new Dictionary<string, string>(),
        [
            $"--urls=http://127.0.0.1:{ports[2]}", $"--Silo:SiloPort={ports[0]}", $"--Silo:GatewayPort={ports[1]}",
            $"--Cluster:PrimarySilo=127.0.0.1:{member.SiloPort}",
            "--Tls:Enabled=true", $"--Tls:CertificatePath={stranger}", "--Tls:CertificatePassword=other",
        ]);
        var exit = await joiner.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"the silo with another certificate exited {exit} after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(exit == 1, $"the silo with another certificate should stop with exit 1, not {exit?.ToString() ?? "run on"}:\n{joiner.Log}");
        // Its own named error, not Orleans' connectivity check after minutes or its "I have been told I am dead" later.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"it took {clock.Elapsed.TotalSeconds:F0} s");
        var error = joiner.Log.Split('\n').LastOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal)) ?? "";
        Assert.StartsWith("error: this silo did not join the cluster: TLS handshake refused", error);
        Assert.Contains(TestCertificates.Thumbprint(certificate, "s3cret"), error);
        Assert.Contains(TestCertificates.Thumbprint(stranger, "other"), error);
        Assert.Contains("Tls:AllowedThumbprints", error);
        Assert.DoesNotContain("Unhandled exception", joiner.Log);

        Assert.Equal([member.Address], member.ActiveMembers());
    }

    static async Task AssertPlaintextIsDroppedAsync(int port)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        var preamble = new byte[64];
        preamble[0] = 1; // not a TLS record
        await stream.WriteAsync(preamble);
        var buffer = new byte[256];
        int read;
        try
        {
            read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (IOException)
        {
            read = 0; // reset by the silo
        }
        Assert.Equal(0, read);
    }

    static async Task HandshakeAsync(int port, string pfx, string password)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(pfx, password);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [certificate],
        }).WaitAsync(TimeSpan.FromSeconds(15));
        // TLS 1.3 reports a rejected client certificate after the handshake: the server then closes the stream.
        var buffer = new byte[1];
        var read = tls.ReadAsync(buffer).AsTask();
        var first = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(1)));
        if (first == read) _ = await read; // throws if the server alerted us; 0 bytes means it closed
        if (first == read && read.Result == 0) throw new IOException("the gateway closed the TLS connection");
    }
}
