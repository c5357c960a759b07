using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NeuralProgrammer.Tests.Shared;

/// <summary>Whether a Redis server answers on a 127.0.0.1 port.</summary>
public static class RedisPing
{
    /// <summary>True if a server on <paramref name="port"/> answers PING with +PONG (the reply is awaited at most 2 s).</summary>
    public static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
