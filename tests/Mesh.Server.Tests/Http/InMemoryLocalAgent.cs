using Mesh.Server.Agent;
using Mesh.Server.Config;
using Mesh.Server.State;

namespace Mesh.Server.Tests.Http;

/// <summary>
/// A local agent that only remembers what it was told, for the /v1/agent endpoint tests (the real agent runs
/// checks and syncs the catalog; the API only forwards to it).
/// </summary>
internal sealed class InMemoryLocalAgent(string datacenter, string nodeName) : ILocalAgent
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CatalogService> _services = [];
    private readonly Dictionary<string, CatalogCheck> _checks = [];

    public string NodeName => nodeName;
    public string NodeId => "2b5b3b2c-8f4e-4c7e-9f0a-6d1d3c1f0e11";
    public string Datacenter => datacenter;
    public string Address => "127.0.0.1";
    public bool IsServer => true;
    public int LeaveCount { get; private set; }

    /// <summary>What <see cref="LeaveAsync"/> throws, to see how the API answers an unexpected failure.</summary>
    public Exception? LeaveFailure { get; set; }

    public IReadOnlyDictionary<string, object?> SelfConfig { get; } = new Dictionary<string, object?>
    {
        ["Datacenter"] = datacenter,
        ["NodeName"] = nodeName,
        ["Version"] = "0.1.0",
        ["Ports"] = new Dictionary<string, object?> { ["HTTP"] = 8500 },
    };

    public IReadOnlyList<CatalogService> Services()
    {
        lock (_gate)
        {
            return [.. _services.Values];
        }
    }

    public CatalogService? Service(string id)
    {
        lock (_gate)
        {
            return _services.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<CatalogCheck> Checks()
    {
        lock (_gate)
        {
            return [.. _checks.Values];
        }
    }

    public Task RegisterServiceAsync(ServiceDefinition service, CancellationToken cancellationToken = default)
    {
        var id = service.ID ?? service.Name!;
        lock (_gate)
        {
            _services[id] = new CatalogService
            {
                Node = nodeName,
                ID = id,
                Service = service.Name!,
                Kind = service.Kind ?? "",
                Tags = service.Tags ?? [],
                Address = service.Address ?? "",
                Meta = service.Meta ?? [],
                Port = service.Port,
                Proxy = service.Proxy,
            };
            foreach (var check in service.Checks ?? (service.Check is null ? [] : [service.Check]))
            {
                AddCheck(check with { ServiceID = id });
            }
        }
        return Task.CompletedTask;
    }

    public Task DeregisterServiceAsync(string serviceId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _services.Remove(serviceId) ? Task.CompletedTask : throw AgentException.NotFound($"Unknown service ID \"{serviceId}\"");
        }
    }

    public Task RegisterCheckAsync(CheckDefinition check, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            AddCheck(check);
        }
        return Task.CompletedTask;
    }

    public Task DeregisterCheckAsync(string checkId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _checks.Remove(checkId) ? Task.CompletedTask : throw AgentException.NotFound($"Unknown check ID \"{checkId}\"");
        }
    }

    public Task UpdateTtlAsync(string checkId, string status, string output, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_checks.TryGetValue(checkId, out var check))
            {
                throw AgentException.NotFound($"Unknown check ID \"{checkId}\"");
            }
            _checks[checkId] = check with { Status = status, Output = output };
        }
        return Task.CompletedTask;
    }

    public IReadOnlyList<GossipMember> Members() =>
    [
        new GossipMember(nodeName, Address, 8301, new Dictionary<string, string> { ["role"] = "consul", ["dc"] = datacenter }, MemberStatus.Alive),
        new GossipMember("client1", "127.0.0.2", 8301, new Dictionary<string, string> { ["role"] = "node", ["dc"] = datacenter }, MemberStatus.Alive),
    ];

    public Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        if (LeaveFailure is { } failure)
        {
            throw failure;
        }
        LeaveCount++;
        return Task.CompletedTask;
    }

    private void AddCheck(CheckDefinition check)
    {
        var id = check.EffectiveId ?? check.Name!;
        _checks[id] = new CatalogCheck
        {
            Node = nodeName,
            CheckID = id,
            Name = check.Name ?? id,
            Status = check.Status ?? "critical",
            ServiceID = check.ServiceID ?? "",
            Type = check.TTL is null ? "http" : "ttl",
            Definition = check,
        };
    }
}
