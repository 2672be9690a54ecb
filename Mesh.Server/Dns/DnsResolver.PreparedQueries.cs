using Mesh.Server.Config;
using Mesh.Server.State.PreparedQueries;

namespace Mesh.Server.Dns;

/// <summary>
/// Prepared query lookups, <c>&lt;name or id&gt;.query[.dc].&lt;domain&gt;</c>: the query's instances as a service
/// lookup answers them, with the query's DNS TTL (else the service's dns_config TTL).
/// </summary>
internal sealed partial class DnsResolver
{
    private async Task<DnsAnswer> PreparedQueryAsync(string name, string idOrName, DnsType type, CancellationToken cancellationToken)
    {
        var execution = (await reader.QueryAsync(new PreparedQueryExecuteQuery(idOrName), _read, cancellationToken).ConfigureAwait(false)).Value;
        if (execution.Query is not { } query)
        {
            return NameError();
        }
        var near = PreparedQueryFilter.Near(query.Service.Near, config.NodeName);
        var instances = PreparedQueryFilter.Select(query.Service, execution.Entries, near, limit: 0)
            .Select(e => (Entry: e, Status: Status(e)))
            .ToList();
        if (instances.Count == 0)
        {
            return NameError();
        }
        var ttl = Seconds(query.DnsTtl.Length > 0 && GoDuration.TryParse(query.DnsTtl, out var queryTtl, out _)
            ? queryTtl
            : ServiceTtl(query.Service.Service));
        return InstancesAnswer(name, type, ttl, instances);
    }
}
