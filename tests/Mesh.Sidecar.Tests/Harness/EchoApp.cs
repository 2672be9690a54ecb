using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>
/// A raw TCP service, not HTTP: it echoes every byte it receives and, once the client has shut down its sending
/// half, writes <see cref="Trailer"/> and closes. A client that reads the trailer proves both bytes and half-close
/// went through.
/// </summary>
internal sealed class EchoApp : IAppBehindSidecar
{
    public const string Trailer = "echo: end of input\n";

    private readonly TcpListener _listener;
    private readonly StrongBox<int> _connections = new();
    private readonly Task _accepting;

    private EchoApp(string name)
    {
        Name = name;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>Connections accepted.</summary>
    public int Requests => Volatile.Read(ref _connections.Value);

    public static Task<IAppBehindSidecar> StartAsync(string name) => Task.FromResult<IAppBehindSidecar>(new EchoApp(name));

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting;
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref _connections.Value);
            _ = EchoAsync(client);
        }
    }

    private static async Task EchoAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[4096];
            try
            {
                int read;
                while ((read = await client.ReceiveAsync(buffer)) > 0)
                {
                    await client.SendAsync(buffer.AsMemory(0, read));
                }
                await client.SendAsync(System.Text.Encoding.ASCII.GetBytes(Trailer));
                client.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // The client went away: nothing to echo to.
            }
        }
    }
}
