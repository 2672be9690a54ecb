using System.Net;
using System.Net.Sockets;

namespace Mesh.Bench;

/// <summary>A loopback TCP port nothing listens on right now, for a server the harness starts.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
