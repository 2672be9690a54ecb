using System.Globalization;
using System.Net;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Dns;

internal sealed partial class DnsResolver
{
    private const string Ipv4Reverse = ".in-addr.arpa.";
    private const string Ipv6Reverse = ".ip6.arpa.";

    /// <summary>Whether <paramref name="name"/> is a reverse-lookup name (in-addr.arpa or ip6.arpa).</summary>
    public static bool IsReverse(string name) => name.EndsWith(Ipv4Reverse, StringComparison.Ordinal) || name.EndsWith(Ipv6Reverse, StringComparison.Ordinal);

    /// <summary>
    /// A PTR for an address of the catalog, as Consul's handlePtr finds it: the first node with that address, else a
    /// service instance registered with it as its own. Null when the catalog has neither, so the caller can recurse.
    /// </summary>
    public async Task<DnsAnswer?> ReverseAsync(string name, DnsType type, CancellationToken cancellationToken)
    {
        if (type is not (DnsType.Ptr or DnsType.Any) || ReverseAddress(name) is not { } address)
        {
            return null;
        }
        var nodes = (await reader.QueryAsync(new NodesQuery(), _read, cancellationToken).ConfigureAwait(false)).Value;
        if (nodes.FirstOrDefault(n => Is(n.Address, address)) is { } node)
        {
            return Pointer(name, $"{node.Node}.node.{config.Datacenter}.{config.Domain}");
        }
        var services = (await reader.QueryAsync(new ServiceNamesQuery(), _read, cancellationToken).ConfigureAwait(false)).Value;
        foreach (var service in services.Keys)
        {
            var instances = (await reader.QueryAsync(new ServiceEntriesQuery(service), _read, cancellationToken).ConfigureAwait(false)).Value;
            if (instances.Any(i => Is(i.Service.Address, address)))
            {
                return Pointer(name, $"{service}.service.{config.Domain}");
            }
        }
        return null;
    }

    private static DnsAnswer Pointer(string name, string host) => new(DnsRcode.NoError, [new PtrRecord(name, 0, host)], [], []);

    private static bool Is(string text, IPAddress address) => IPAddress.TryParse(text, out var parsed) && parsed.Equals(address);

    /// <summary>The address a reverse name spells: four decimal labels for IPv4, 32 nibbles for IPv6, least significant first.</summary>
    private static IPAddress? ReverseAddress(string name)
    {
        var ipv4 = name.EndsWith(Ipv4Reverse, StringComparison.Ordinal);
        var labels = name[..^(ipv4 ? Ipv4Reverse : Ipv6Reverse).Length].Split('.');
        Array.Reverse(labels);
        if (ipv4)
        {
            return labels.Length == 4 && labels.All(l => byte.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                ? IPAddress.Parse(string.Join('.', labels))
                : null;
        }
        if (labels.Length != 32 || labels.Any(l => l.Length != 1 || !char.IsAsciiHexDigit(l[0])))
        {
            return null;
        }
        return new IPAddress(Convert.FromHexString(string.Concat(labels)));
    }
}
