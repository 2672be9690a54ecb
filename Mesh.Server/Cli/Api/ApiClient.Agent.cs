using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Server.Cli.Api;

/// <summary><c>/v1/agent</c>: the local agent's view and its local services.</summary>
internal sealed partial class ApiClient
{
    public async Task<IReadOnlyList<AgentMember>> AgentMembersAsync(bool wan, string? filter, CancellationToken cancellationToken)
    {
        var query = new ApiQuery().AddIf(wan, "wan", "1").AddIf(!string.IsNullOrEmpty(filter), "filter", filter ?? "");
        return await QueryAsync<List<AgentMember>>("/v1/agent/members", query, cancellationToken) ?? [];
    }

    /// <summary>Registers a service given as the JSON body of <c>PUT /v1/agent/service/register</c>.</summary>
    public Task AgentServiceRegisterAsync(JsonObject registration, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, "/v1/agent/service/register", new ApiQuery(), JsonSerializer.SerializeToUtf8Bytes(registration), cancellationToken);

    public Task AgentServiceDeregisterAsync(string serviceId, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, "/v1/agent/service/deregister/" + EscapePath(serviceId), new ApiQuery(), null, cancellationToken);

    public Task AgentLeaveAsync(CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, "/v1/agent/leave", new ApiQuery(), null, cancellationToken);

    /// <summary>Asks the agent to join the member at <paramref name="address"/> (its LAN pool, or with <paramref name="wan"/> the WAN pool).</summary>
    public Task AgentJoinAsync(string address, bool wan, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, "/v1/agent/join/" + EscapePath(address), new ApiQuery().AddIf(wan, "wan", "1"), null, cancellationToken);

    /// <summary>Asks the agent to mark a failed member left; <paramref name="prune"/> drops it from the member list too.</summary>
    public Task AgentForceLeaveAsync(string node, bool prune, bool wan, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, "/v1/agent/force-leave/" + EscapePath(node),
            new ApiQuery().AddIf(prune, "prune", "1").AddIf(wan, "wan", "1"), null, cancellationToken);
}
