using System.Net.Sockets;

namespace Mesh.Server.Checks;

/// <summary>Renders network errors the way Consul's Go code prints them into check output.</summary>
internal static class GoFormat
{
    /// <summary>Go's dial error text, e.g. "dial tcp 127.0.0.1:9: connect: connection refused".</summary>
    public static string DialError(string address, Exception error)
    {
        var socketError = error as SocketException ?? error.InnerException as SocketException;
        var reason = socketError?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connect: connection refused",
            SocketError.TimedOut => "i/o timeout",
            SocketError.HostUnreachable => "connect: no route to host",
            SocketError.NetworkUnreachable => "connect: network is unreachable",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"lookup {HostOf(address)}: no such host",
            _ => (socketError ?? error).Message,
        };
        return $"dial tcp {address}: {reason}";
    }

    private static string HostOf(string address)
    {
        var colon = address.LastIndexOf(':');
        return (colon > 0 ? address[..colon] : address).Trim('[', ']');
    }
}
