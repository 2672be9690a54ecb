using System.Globalization;

namespace Mesh.Bench;

/// <summary>
/// The server side of loopback TCP connections, read from /proc/net/tcp: how many are established on a port and
/// how many bytes in them the server has not read yet. Zero unread bytes on every watcher's connection means the
/// server has taken in every request.
/// </summary>
internal static class TcpTable
{
    private const string Established = "01";

    public static (int Connections, long Unread) ServerSide(int port)
    {
        var connections = 0;
        long unread = 0;
        // Columns: sl local_address rem_address st tx_queue:rx_queue ... (addresses and queues in hex).
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5 || fields[3] != Established || HexAfterColon(fields[1]) != port)
            {
                continue;
            }
            connections++;
            unread += HexAfterColon(fields[4]);
        }
        return (connections, unread);
    }

    private static long HexAfterColon(string field) =>
        long.Parse(field.AsSpan(field.IndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
