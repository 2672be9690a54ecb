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

    /// <summary>
    /// Connections this machine dropped because a listener's accept queue was full (TcpExt ListenOverflows in
    /// /proc/net/netstat): each costs its client a SYN retransmit a second later. Machine-wide.
    /// </summary>
    public static long ListenOverflows()
    {
        // Pairs of lines: "TcpExt: Name1 Name2 ..." then "TcpExt: value1 value2 ...".
        var lines = File.ReadAllLines("/proc/net/netstat");
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal))
            {
                continue;
            }
            var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var values = lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(names, "ListenOverflows");
            return at > 0 && at < values.Length ? long.Parse(values[at], CultureInfo.InvariantCulture) : 0;
        }
        return 0;
    }
}
