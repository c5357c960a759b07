namespace NeuralProgrammer.Tests.Shared;

/// <summary>A redis-server on a 127.0.0.1 port (a free one unless given), without persistence or with an append-only file (AOF) in its directory.</summary>
sealed class RedisServer : IAsyncDisposable
{
    public ChildProcess Process { get; }
    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    RedisServer(ChildProcess process, int port) => (Process, Port) = (process, port);

    public static async Task<RedisServer> StartAsync(string directory, Timeline timeline, bool appendOnly = false, int? port = null)
    {
        var executable = Commands.Require("redis-server", "redis-server");
        int chosen = port ?? Ports.Free(1)[0];
        var process = ChildProcess.Start("redis", executable,
            ["--port", chosen.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "everysec", "--daemonize", "no",
             "--protected-mode", "yes", "--dir", directory], timeline, workingDirectory: directory);
        var server = new RedisServer(process, chosen);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (await RedisPing.AnswersAsync(chosen)) return server;
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new InvalidOperationException($"redis-server did not answer PING on port {chosen}:\n{process.Log()}");
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
