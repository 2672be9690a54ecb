using System.Net;
using System.Net.Sockets;

namespace Aspire.Hosting.Mesh;

/// <summary>
/// Free loopback ports for the mesh's own listeners. DCP allocates ports only for proxied endpoints, and a mesh port
/// cannot sit behind DCP's TCP proxy: gossip uses UDP and TCP on one port, and agents advertise the port they bind.
/// So each port is asked of the OS (free for TCP and UDP) when the model is built: a new set every run.
/// </summary>
internal static class MeshPorts
{
    private static readonly HashSet<int> Handed = [];

    public static int Free()
    {
        lock (Handed)
        {
            while (true)
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
                if (Handed.Contains(port))
                {
                    continue;
                }
                try
                {
                    using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                }
                catch (SocketException)
                {
                    continue;
                }
                Handed.Add(port);
                return port;
            }
        }
    }
}
