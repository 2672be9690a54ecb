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
}
