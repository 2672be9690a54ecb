using System.Net;
using Mesh.Server.Checks;
using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Dns;

/// <summary>Service lookups: <c>[tag.]name.service</c>, <c>_name._tag.service</c> (RFC 2782) and <c>name.connect</c>.</summary>
internal sealed partial class DnsResolver
{
    private async Task<DnsAnswer> ServiceAsync(string name, IReadOnlyList<string> parts, DnsType type, bool connect, CancellationToken cancellationToken)
    {
        if (ServiceAndTag(parts, connect) is not var (service, tag))
        {
            return NameError();
        }
        var entries = (await reader.QueryAsync(new ServiceEntriesQuery(service, connect), _read, cancellationToken).ConfigureAwait(false)).Value;
        var healthy = entries
            .Where(e => tag is null || e.Service.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
            .Select(e => (Entry: e, Status: Status(e)))
            .Where(e => e.Status == HealthStatus.Passing || (e.Status == HealthStatus.Warning && !config.Dns.OnlyPassing))
            .ToList();
        if (healthy.Count == 0)
        {
            return NameError();
        }
        return InstancesAnswer(name, type, Seconds(ServiceTtl(service)), healthy);
    }

    /// <summary>The SRV records of <paramref name="instances"/>, or their addresses for any other type.</summary>
    private DnsAnswer InstancesAnswer(string name, DnsType type, uint ttl, List<(ServiceEntry Entry, string Status)> instances)
    {
        if (type == DnsType.Srv)
        {
            return Srv(name, ttl, instances);
        }
        // Several instances of one address (different ports) are one A record.
        var addresses = instances
            .Select(e => IPAddress.TryParse(Address(e.Entry), out var ip) ? ip : null)
            .OfType<IPAddress>()
            .Distinct();
        return AddressAnswer(name, type, ttl, addresses);
    }

    /// <summary>The service and optional tag a name asks for; null for a form Consul does not answer.</summary>
    private static (string Service, string? Tag)? ServiceAndTag(IReadOnlyList<string> parts, bool connect) => parts switch
    {
        [var service] => (service, null),
        // RFC 2782: _service._protocol; "_tcp" (or "_udp") filters nothing, any other protocol label is a tag.
        [['_', ..] service, ['_', ..] tag] when !connect => (service[1..], tag is "_tcp" or "_udp" ? null : tag[1..]),
        [var tag, var service] when !connect => (service, tag),
        _ => null,
    };

    private DnsAnswer Srv(string name, uint ttl, List<(ServiceEntry Entry, string Status)> instances)
    {
        var answers = new DnsRecord[instances.Count];
        var additional = new Dictionary<string, DnsRecord>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < instances.Count; i++)
        {
            var (entry, status) = instances[i];
            var (target, address) = Target(entry);
            var weights = entry.Service.Weights;
            var weight = status == HealthStatus.Warning ? weights.Warning : weights.Passing;
            answers[i] = new SrvRecord(name, ttl, 1, (ushort)Math.Clamp(weight, 0, ushort.MaxValue), (ushort)entry.Service.Port, target);
            if (address is not null)
            {
                additional.TryAdd(target, DnsRecord.For(target, ttl, address));
            }
        }
        return new(DnsRcode.NoError, Shuffled(answers), [], [.. additional.Values]);
    }

    /// <summary>
    /// An SRV target as Consul names it: the node's name when the instance uses the node's address, the
    /// <c>.addr.</c> name of its own IP otherwise, or its own host name (which has no additional record).
    /// </summary>
    private (string Target, IPAddress? Address) Target(ServiceEntry entry)
    {
        var address = Address(entry);
        var suffix = $".{config.Datacenter}.{config.Domain}";
        if (address == entry.Node.Address)
        {
            return ($"{entry.Node.Node}.node{suffix}", IPAddress.TryParse(address, out var nodeIp) ? nodeIp : null);
        }
        return IPAddress.TryParse(address, out var ip)
            ? ($"{Convert.ToHexStringLower(ip.GetAddressBytes())}.addr{suffix}", ip)
            : (address.TrimEnd('.') + ".", null);
    }

    private static string Address(ServiceEntry entry) =>
        entry.Service.Address.Length > 0 ? entry.Service.Address : entry.Node.Address;

    /// <summary>The worst status of the instance's checks (node checks included); passing without any.</summary>
    private static string Status(ServiceEntry entry) =>
        entry.Checks.Any(c => c.Status is HealthStatus.Critical or HealthStatus.Maintenance) ? HealthStatus.Critical
        : entry.Checks.Any(c => c.Status == HealthStatus.Warning) ? HealthStatus.Warning
        : HealthStatus.Passing;

    // dns_config.service_ttl: the service's own entry, else the longest "prefix*" that matches, else "*".
    private TimeSpan ServiceTtl(string service)
    {
        var ttls = config.Dns.ServiceTtl;
        if (ttls.TryGetValue(service, out var exact))
        {
            return exact;
        }
        return ttls
            .Where(pair => pair.Key.EndsWith('*') && service.StartsWith(pair.Key[..^1], StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(pair => pair.Key.Length)
            .Select(pair => pair.Value)
            .FirstOrDefault();
    }
}
