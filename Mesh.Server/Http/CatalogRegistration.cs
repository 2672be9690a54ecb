using Mesh.Server.Config;
using Mesh.Server.Http.Json;
using Mesh.Server.State;

namespace Mesh.Server.Http;

/// <summary>
/// Turns PUT /v1/catalog/register's body into a <see cref="CatalogRegister"/>, with the defaults Consul's
/// Catalog.Register applies (service ID from its name, check ID from its name, checks on the request's node,
/// status critical). What the body alone shows to be wrong is a 400; what depends on the state is left to the store.
/// </summary>
internal static class CatalogRegistration
{
    private static readonly string[] Statuses = ["passing", "warning", "critical"];

    public static CatalogRegister ToCommand(RegisterRequestBody body, string datacenter)
    {
        if (string.IsNullOrEmpty(body.Node))
        {
            throw ConsulHttpException.BadRequest("Must provide node");
        }
        var node = new CatalogNode
        {
            ID = body.ID ?? "",
            Node = body.Node,
            Address = body.Address ?? "",
            Datacenter = datacenter,
            TaggedAddresses = body.TaggedAddresses ?? [],
            Meta = body.NodeMeta ?? [],
        };
        var service = body.Service is { } s ? ToService(s, body.Node) : null;
        List<CatalogCheck> checks = [.. (body.Check is null ? body.Checks ?? [] : [body.Check, .. body.Checks ?? []]).Select(c => ToCheck(c, body.Node))];
        return new CatalogRegister(node, service, checks, body.SkipNodeUpdate);
    }

    public static CatalogService ToService(NodeServiceBody body, string node)
    {
        if (string.IsNullOrEmpty(body.Service))
        {
            throw ConsulHttpException.BadRequest("Must provide service name");
        }
        return new CatalogService
        {
            Node = node,
            ID = string.IsNullOrEmpty(body.ID) ? body.Service : body.ID,
            Service = body.Service,
            Kind = body.Kind ?? "",
            Tags = body.Tags ?? [],
            Address = body.Address ?? "",
            TaggedAddresses = body.TaggedAddresses ?? [],
            Meta = body.Meta ?? [],
            Port = body.Port,
            Weights = body.Weights ?? new ServiceWeights(),
            EnableTagOverride = body.EnableTagOverride,
            Proxy = body.Proxy,
            ConnectNative = body.Connect?.Native ?? false,
        };
    }

    public static CatalogCheck ToCheck(HealthCheckBody body, string node)
    {
        var id = string.IsNullOrEmpty(body.CheckID) ? body.Name : body.CheckID;
        if (string.IsNullOrEmpty(id))
        {
            throw ConsulHttpException.BadRequest("Must provide a check ID or name");
        }
        if (!string.IsNullOrEmpty(body.Node) && !string.Equals(body.Node, node, StringComparison.OrdinalIgnoreCase))
        {
            throw ConsulHttpException.BadRequest($"Check \"{id}\" is for node \"{body.Node}\", not the registered node \"{node}\"");
        }
        var status = string.IsNullOrEmpty(body.Status) ? "critical" : body.Status;
        if (!Statuses.Contains(status))
        {
            throw ConsulHttpException.BadRequest($"Invalid check status: '{status}'");
        }
        return new CatalogCheck
        {
            Node = node,
            CheckID = id,
            Name = body.Name ?? "",
            Status = status,
            Notes = body.Notes ?? "",
            Output = body.Output ?? "",
            ServiceID = body.ServiceID ?? "",
            Type = body.Type ?? "",
            Definition = body.Definition is { } d ? ToDefinition(d, id, body) : null,
        };
    }

    private static CheckDefinition ToDefinition(HealthCheckDefinitionBody d, string id, HealthCheckBody check) => new()
    {
        CheckID = id,
        Name = check.Name,
        Notes = check.Notes,
        ServiceID = check.ServiceID,
        HTTP = d.HTTP,
        TLSServerName = d.TLSServerName,
        TLSSkipVerify = d.TLSSkipVerify,
        Header = d.Header,
        Method = d.Method,
        Body = d.Body,
        TCP = d.TCP,
        GRPC = d.GRPC,
        GRPCUseTLS = d.GRPCUseTLS,
        Interval = d.Interval,
        Timeout = d.Timeout,
        DeregisterCriticalServiceAfter = d.DeregisterCriticalServiceAfter,
        TTL = d.TTL,
        Args = d.ScriptArgs,
        Shell = d.Shell,
        AliasNode = d.AliasNode,
        AliasService = d.AliasService,
        OutputMaxSize = d.OutputMaxSize,
    };
}
