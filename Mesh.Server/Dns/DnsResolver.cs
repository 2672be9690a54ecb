using System.Net;
using Mesh.Server.Config;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Dns;

/// <summary>
/// Answers names in the agent's domain from the catalog, as Consul's DNS server does: services (by tag, RFC 2782
/// form, or connect), nodes, and the <c>.addr.</c> names SRV targets use. Reads go through the agent's state
/// reader, stale by default (dns_config.allow_stale).
/// </summary>
internal sealed partial class DnsResolver(IStateReader reader, AgentConfig config, TimeProvider time)
{
    private readonly QueryOptions _read = new(Consistency: config.Dns.AllowStale ? Consistency.Stale : Consistency.Default);

    /// <summary>The answer for a name in the domain (the caller checked <see cref="DnsName.InDomain"/>).</summary>
    public Task<DnsAnswer> ResolveAsync(string name, DnsType type, CancellationToken cancellationToken)
    {
        var parsed = DnsName.Parse(name, config.Domain);
        if (parsed is null || (parsed.Datacenter is { } datacenter && datacenter != config.Datacenter))
        {
            // The agent knows of no other datacenter; Consul answers NXDOMAIN for one it has no path to.
            return Task.FromResult(NameError());
        }
        return parsed.Kind switch
        {
            DnsLookupKind.Apex => Task.FromResult(Apex(type)),
            DnsLookupKind.Service => ServiceAsync(name, parsed.Parts, type, connect: false, cancellationToken),
            DnsLookupKind.Connect => ServiceAsync(name, parsed.Parts, type, connect: true, cancellationToken),
            DnsLookupKind.Query => PreparedQueryAsync(name, string.Join('.', parsed.Parts), type, cancellationToken),
            DnsLookupKind.Node => NodeAsync(name, string.Join('.', parsed.Parts), type, cancellationToken),
            _ => Task.FromResult(Addr(name, parsed.Parts, type)),
        };
    }

    /// <summary>NXDOMAIN with the SOA in the authority section, so resolvers can cache the negative answer.</summary>
    public DnsAnswer NameError() => new(DnsRcode.NameError, [], [Soa()], []);

    /// <summary>The name exists but has no records of the type asked for (NODATA).</summary>
    private DnsAnswer NoData() => new(DnsRcode.NoError, [], [Soa()], []);

    // Consul's SOA: ns.<domain>, hostmaster.<domain>, the current unix time as serial, its fixed timers.
    private SoaRecord Soa() => new(
        config.Domain, 0, "ns." + config.Domain, "hostmaster." + config.Domain,
        (uint)time.GetUtcNow().ToUnixTimeSeconds(), Refresh: 3600, Retry: 600, Expire: 86400, MinimumTtl: 0);

    private DnsAnswer Apex(DnsType type)
    {
        var server = "ns." + config.Domain;
        return type switch
        {
            DnsType.Soa or DnsType.Any => new(DnsRcode.NoError, [Soa()], [], []),
            DnsType.Ns when IPAddress.TryParse(config.AdvertiseAddr, out var address) =>
                new(DnsRcode.NoError, [new NsRecord(config.Domain, 0, server)], [], [DnsRecord.For(server, 0, address)]),
            _ => NoData(),
        };
    }

    /// <summary>A, AAAA (or both for ANY) of <paramref name="addresses"/>; NODATA when none is of the family asked for.</summary>
    private DnsAnswer AddressAnswer(string name, DnsType type, uint ttl, IEnumerable<IPAddress> addresses)
    {
        if (type is not (DnsType.A or DnsType.Aaaa or DnsType.Any))
        {
            return NoData();
        }
        var records = addresses
            .Select(a => DnsRecord.For(name, ttl, a))
            .Where(r => type == DnsType.Any || r.Type == type)
            .ToArray();
        if (config.Dns.ARecordLimit > 0 && records.Length > config.Dns.ARecordLimit)
        {
            Random.Shared.Shuffle(records);
            records = records[..config.Dns.ARecordLimit];
        }
        return records.Length == 0 ? NoData() : new(DnsRcode.NoError, Shuffled(records), [], []);
    }

    private static DnsRecord[] Shuffled(DnsRecord[] records)
    {
        Random.Shared.Shuffle(records);
        return records;
    }

    // <hex>.addr.<dc>.<domain>: 8 hex digits for IPv4, 32 for IPv6 (the SRV targets of instances with their own address).
    private DnsAnswer Addr(string name, IReadOnlyList<string> parts, DnsType type)
    {
        if (parts.Count != 1 || parts[0].Length is not (8 or 32))
        {
            return NameError();
        }
        try
        {
            return AddressAnswer(name, type, 0, [new IPAddress(Convert.FromHexString(parts[0]))]);
        }
        catch (FormatException)
        {
            return NameError();
        }
    }

    /// <summary>
    /// A node's address, and its metadata as TXT records (RFC 1464 <c>key=value</c>): the answer to a TXT query,
    /// beside the address for ANY, in the additional section of an A or AAAA answer (Consul's
    /// enable_additional_node_meta_txt, on by default).
    /// </summary>
    private async Task<DnsAnswer> NodeAsync(string name, string node, DnsType type, CancellationToken cancellationToken)
    {
        var found = (await reader.QueryAsync(new NodeQuery(node), _read, cancellationToken).ConfigureAwait(false)).Value.Node;
        if (found is null)
        {
            return NameError();
        }
        var ttl = Seconds(config.Dns.NodeTtl);
        DnsRecord[] meta = [.. found.Meta.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new TxtRecord(name, ttl, NodeMetaText(m.Key, m.Value)))];
        if (type == DnsType.Txt)
        {
            return meta.Length == 0 ? NoData() : new(DnsRcode.NoError, meta, [], []);
        }
        var address = IPAddress.TryParse(found.Address, out var parsed) ? AddressAnswer(name, type, ttl, [parsed]) : NoData();
        if (address.Answers.Count == 0)
        {
            return type == DnsType.Any && meta.Length > 0 ? new(DnsRcode.NoError, meta, [], []) : address;
        }
        return type == DnsType.Any
            ? address with { Answers = [.. address.Answers, .. meta] }
            : address with { Additional = [.. address.Additional, .. meta] };
    }

    /// <summary>
    /// RFC 1464's attribute=value with Consul's escapes (a backquote before = and ` in the key, and before its
    /// leading and trailing spaces); a key prefixed "rfc1035-" gives its value alone.
    /// </summary>
    private static string NodeMetaText(string key, string value)
    {
        if (key.StartsWith("rfc1035-", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }
        var escaped = key.Replace("`", "``", StringComparison.Ordinal).Replace("=", "`=", StringComparison.Ordinal);
        var trimmed = escaped.Trim(' ');
        var leading = escaped.Length - escaped.TrimStart(' ').Length;
        var trailing = trimmed.Length == 0 ? 0 : escaped.Length - escaped.TrimEnd(' ').Length;
        escaped = string.Concat(Enumerable.Repeat("` ", leading)) + trimmed + string.Concat(Enumerable.Repeat("` ", trailing));
        return escaped + "=" + value.Replace("`", "``", StringComparison.Ordinal);
    }

    private static uint Seconds(TimeSpan ttl) => (uint)ttl.TotalSeconds;
}
