namespace Mesh.Server.Checks;

/// <summary>Splits "host:port" and "[v6]:port" like Go's <c>net.SplitHostPort</c>.</summary>
internal static class HostPort
{
    public static bool TryParse(string address, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out port) || port is < 0 or > 65535)
        {
            return false;
        }
        host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        // A bare IPv6 address without brackets is ambiguous, as Go says ("too many colons").
        return host.Length > 0 && !(host.Contains(':') && !address.StartsWith('['));
    }
}
