using System.Net;
using System.Net.Sockets;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>Free TCP ports on 127.0.0.1 (held open together while chosen, so that they differ).</summary>
public static class Ports
{
    public static int[] Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    public static int Free() => Free(1)[0];
}
