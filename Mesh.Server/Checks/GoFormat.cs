using System.Globalization;
using System.Net.Sockets;

namespace Mesh.Server.Checks;

/// <summary>Renders durations and network errors the way Consul's Go code prints them into check output.</summary>
internal static class GoFormat
{
    /// <summary>Go's <c>time.Duration.String()</c>: "500ms", "10s", "1m30s", "1h0m0s".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }
        var sign = duration < TimeSpan.Zero ? "-" : "";
        duration = duration.Duration();
        if (duration < TimeSpan.FromSeconds(1))
        {
            var nanoseconds = duration.Ticks * 100m;
            return nanoseconds switch
            {
                < 1_000m => $"{sign}{nanoseconds}ns",
                < 1_000_000m => $"{sign}{Number(nanoseconds / 1_000m)}µs",
                _ => $"{sign}{Number(nanoseconds / 1_000_000m)}ms",
            };
        }

        var hours = (long)duration.TotalHours;
        var seconds = Number((duration.Ticks % TimeSpan.TicksPerMinute) / (decimal)TimeSpan.TicksPerSecond) + "s";
        if (hours > 0)
        {
            return $"{sign}{hours}h{duration.Minutes}m{seconds}";
        }
        return duration.Minutes > 0 ? $"{sign}{duration.Minutes}m{seconds}" : sign + seconds;
    }

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

    private static string Number(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);

    private static string HostOf(string address)
    {
        var colon = address.LastIndexOf(':');
        return (colon > 0 ? address[..colon] : address).Trim('[', ']');
    }
}
