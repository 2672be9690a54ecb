using Mesh.Server.State.Queries;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Mesh.Server.Agent;
using Mesh.Server.Config;
using Mesh.Server.Http.Json;

namespace Mesh.Server.Http;

/// <summary>/v1/agent — this agent: its services, checks, gossip members and configuration.</summary>
internal static class AgentEndpoints
{
    private const int SerfLanPort = 8301;

    // The Config keys of Consul's /v1/agent/self, in its order.
    private static readonly string[] SelfConfigKeys =
        ["Datacenter", "PrimaryDatacenter", "NodeName", "NodeID", "Revision", "Server", "Version", "BuildDate"];

    public static void Map(ConsulRoutes routes)
    {
        routes.MapGet("/agent/self", RouteScope.Local, SelfAsync);
        routes.MapGet("/agent/members", RouteScope.Local, MembersAsync);
        routes.MapGet("/agent/services", RouteScope.Local, ServicesAsync);
        routes.MapGet("/agent/service/{**id}", RouteScope.Local, ServiceAsync);
        routes.MapGet("/agent/checks", RouteScope.Local, ChecksAsync);
        routes.MapPut("/agent/service/register", RouteScope.Local, RegisterServiceAsync);
        routes.MapPut("/agent/service/deregister/{**id}", RouteScope.Local, call => call.Services.Agent.DeregisterServiceAsync(call.Route("id"), call.Aborted));
        routes.MapPut("/agent/check/register", RouteScope.Local, RegisterCheckAsync);
        routes.MapPut("/agent/check/deregister/{**id}", RouteScope.Local, call => call.Services.Agent.DeregisterCheckAsync(call.Route("id"), call.Aborted));
        routes.MapPut("/agent/check/pass/{**id}", RouteScope.Local, call => UpdateTtlAsync(call, "passing", call.Get("note") ?? ""));
        routes.MapPut("/agent/check/warn/{**id}", RouteScope.Local, call => UpdateTtlAsync(call, "warning", call.Get("note") ?? ""));
        routes.MapPut("/agent/check/fail/{**id}", RouteScope.Local, call => UpdateTtlAsync(call, "critical", call.Get("note") ?? ""));
        routes.MapPut("/agent/check/update/{**id}", RouteScope.Local, CheckUpdateAsync);
        routes.MapPut("/agent/leave", RouteScope.Local, call => call.Services.Agent.LeaveAsync(call.Aborted));
        routes.MapPut("/agent/join/{**address}", RouteScope.Local, JoinAsync);
        routes.MapPut("/agent/force-leave/{**node}", RouteScope.Local, call => call.Services.Agent.ForceLeaveAsync(call.Route("node"), call.Aborted));
    }

    private static async Task SelfAsync(ConsulCall call)
    {
        var agent = call.Services.Agent;
        var node = await call.Services.Reader.QueryAsync(new NodeQuery(agent.NodeName), QueryOptions.Now, call.Aborted).ConfigureAwait(false);
        var config = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in SelfConfigKeys)
        {
            config[key] = agent.SelfConfig.TryGetValue(key, out var value) ? value : key switch
            {
                "Datacenter" or "PrimaryDatacenter" => agent.Datacenter,
                "NodeName" => agent.NodeName,
                "NodeID" => agent.NodeId,
                "Server" => agent.IsServer,
                _ => "",
            };
        }
        var services = agent.Services();
        var stats = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["agent"] = new Dictionary<string, string>
            {
                ["services"] = services.Count.ToString(CultureInfo.InvariantCulture),
                ["checks"] = agent.Checks().Count.ToString(CultureInfo.InvariantCulture),
            },
            ["consul"] = new Dictionary<string, string>
            {
                ["server"] = agent.IsServer ? "true" : "false",
                ["known_datacenters"] = "1",
                ["leader_addr"] = call.Services.Cluster.Leader,
                ["known_servers"] = call.Services.Cluster.Peers.Count.ToString(CultureInfo.InvariantCulture),
            },
        };
        if (call.Services.Raft is { } raft)
        {
            stats["raft"] = RaftStats(raft);
        }
        await call.WriteJsonAsync(new AgentSelfJson(
            config,
            agent.SelfConfig,
            Coord: null,
            Self(agent),
            stats,
            node.Value.Node?.Meta ?? [])).ConfigureAwait(false);
    }

    /// <summary>Consul's Stats.raft keys that describe this server's place in the log (values are strings, as Consul's).</summary>
    private static Dictionary<string, string> RaftStats(Consensus.Hosting.RaftHost raft) => new()
    {
        ["state"] = raft.Role switch
        {
            Consensus.RaftRole.Leader => "Leader",
            Consensus.RaftRole.Follower => "Follower",
            _ => "Candidate",
        },
        ["term"] = raft.Term.ToString(CultureInfo.InvariantCulture),
        ["last_log_index"] = raft.LastLogIndex.ToString(CultureInfo.InvariantCulture),
        ["commit_index"] = raft.CommitIndex.ToString(CultureInfo.InvariantCulture),
        ["applied_index"] = raft.AppliedIndex.ToString(CultureInfo.InvariantCulture),
        ["num_peers"] = Math.Max(0, raft.Configuration.Voters.Count - 1).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>This agent as a gossip member (itself, if the pool does not list it yet).</summary>
    private static GossipMember Self(ILocalAgent agent) =>
        agent.Members().FirstOrDefault(m => string.Equals(m.Name, agent.NodeName, StringComparison.OrdinalIgnoreCase))
            ?? new GossipMember(agent.NodeName, agent.Address, SerfLanPort, new Dictionary<string, string>(), MemberStatus.Alive);

    private static Task MembersAsync(ConsulCall call)
    {
        var agent = call.Services.Agent;
        var members = agent.Members();
        // ?wan=<anything but empty>: the WAN pool, which holds the servers as "<node>.<dc>" (one datacenter here).
        if (call.Get("wan") is { Length: > 0 })
        {
            return call.WriteJsonAsync<List<GossipMember>>([.. members
                .Where(m => m.Tags.TryGetValue("role", out var role) && role == "consul")
                .Select(m => m with { Name = $"{m.Name}.{agent.Datacenter}" })]);
        }
        return call.WriteJsonAsync<List<GossipMember>>([.. members]);
    }

    private static Task ServicesAsync(ConsulCall call)
    {
        var agent = call.Services.Agent;
        var services = new SortedDictionary<string, AgentServiceJson>(StringComparer.Ordinal);
        foreach (var service in agent.Services())
        {
            services[service.ID] = AgentServiceJson.From(service, agent.Datacenter);
        }
        return call.WriteJsonAsync(services);
    }

    private static Task ServiceAsync(ConsulCall call)
    {
        var agent = call.Services.Agent;
        var id = call.Route("id");
        var service = agent.Service(id) ?? throw new ConsulHttpException(StatusCodes.Status404NotFound, $"unknown service ID: {id}");
        var answer = AgentServiceJson.From(service, agent.Datacenter);
        // Consul hashes the answer (without the hash) so that watchers can tell whether anything changed.
        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(answer, ConsulJson.ReadInfo<AgentServiceJson>())))[..16];
        call.Http.Response.Headers["X-Consul-ContentHash"] = hash;
        return call.WriteJsonAsync(answer with { ContentHash = hash });
    }

    private static Task ChecksAsync(ConsulCall call)
    {
        var checks = new SortedDictionary<string, HealthCheckJson>(StringComparer.Ordinal);
        foreach (var check in call.Services.Agent.Checks())
        {
            checks[check.CheckID] = HealthCheckJson.From(check);
        }
        return call.WriteJsonAsync(checks);
    }

    private static async Task RegisterServiceAsync(ConsulCall call)
    {
        var service = ConfigBinder.BindService(await ReadConfigBodyAsync(call).ConfigureAwait(false), BindOptions.ApiBody);
        await call.Services.Agent.RegisterServiceAsync(service, call.Aborted).ConfigureAwait(false);
    }

    private static async Task RegisterCheckAsync(ConsulCall call)
    {
        var check = ConfigBinder.BindCheck(await ReadConfigBodyAsync(call).ConfigureAwait(false), BindOptions.ApiBody);
        await call.Services.Agent.RegisterCheckAsync(check, call.Aborted).ConfigureAwait(false);
    }

    /// <summary>Registration bodies go through the config binder, which takes Consul's PascalCase and snake_case keys.</summary>
    private static async Task<ConfigNode> ReadConfigBodyAsync(ConsulCall call)
    {
        using var reader = new StreamReader(call.Http.Request.Body);
        var text = await reader.ReadToEndAsync(call.Aborted).ConfigureAwait(false);
        return JsonConfigReader.Parse(text, "request body");
    }

    private static async Task CheckUpdateAsync(ConsulCall call)
    {
        var update = await call.ReadBodyAsync<CheckUpdateBody>().ConfigureAwait(false);
        if (update.Status is not ("passing" or "warning" or "critical"))
        {
            throw ConsulHttpException.BadRequest($"Invalid check status: '{update.Status}'");
        }
        await UpdateTtlAsync(call, update.Status, update.Output ?? "").ConfigureAwait(false);
    }

    private static Task UpdateTtlAsync(ConsulCall call, string status, string output) =>
        call.Services.Agent.UpdateTtlAsync(call.Route("id"), status, output, call.Aborted);

    private static async Task JoinAsync(ConsulCall call)
    {
        try
        {
            await call.Services.Agent.JoinAsync([call.Route("address")], call.Aborted).ConfigureAwait(false);
        }
        catch (Gossip.GossipException ex)
        {
            // Consul answers a failed join with a 500 carrying the join error.
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, ex.Message);
        }
    }
}
