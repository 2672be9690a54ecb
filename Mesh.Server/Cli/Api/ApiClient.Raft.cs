using System.Globalization;
using System.Text.Json;

namespace Mesh.Server.Cli.Api;

/// <summary>Consul's api.RaftConfiguration: the servers of the Raft configuration.</summary>
internal sealed record RaftConfiguration
{
    public List<RaftServer> Servers { get; init; } = [];
    public ulong Index { get; init; }
}

/// <summary>Consul's api.RaftServer.</summary>
internal sealed record RaftServer
{
    public string ID { get; init; } = "";
    public string Node { get; init; } = "";
    public string Address { get; init; } = "";
    public bool Leader { get; init; }
    public string ProtocolVersion { get; init; } = "";
    public bool Voter { get; init; }
    public ulong LastIndex { get; init; }
}

/// <summary><c>/v1/operator/raft</c>: the Raft configuration and changes to it.</summary>
internal sealed partial class ApiClient
{
    public async Task<RaftConfiguration> OperatorRaftConfigurationAsync(bool stale, CancellationToken cancellationToken) =>
        await QueryAsync<RaftConfiguration>("/v1/operator/raft/configuration", new ApiQuery().AddIf(stale, "stale"), cancellationToken)
            ?? new RaftConfiguration();

    public Task OperatorRaftRemovePeerByIdAsync(string id, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Delete, "/v1/operator/raft/peer", new ApiQuery().Add("id", id), null, cancellationToken);

    public Task OperatorRaftRemovePeerByAddressAsync(string address, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Delete, "/v1/operator/raft/peer", new ApiQuery().Add("address", address), null, cancellationToken);

    /// <summary>Whether the leader says the transfer succeeded ({"Success":true}).</summary>
    public async Task<bool> OperatorRaftTransferLeaderAsync(string? id, bool stale, CancellationToken cancellationToken)
    {
        var query = new ApiQuery().AddIf(stale, "stale").AddIf(!string.IsNullOrEmpty(id), "id", id ?? "");
        var body = await WriteAsync(HttpMethod.Post, "/v1/operator/raft/transfer-leader", query, null, cancellationToken);
        try
        {
            using var reply = JsonDocument.Parse(body);
            return reply.RootElement.TryGetProperty("Success", out var success) && success.GetBoolean();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new ApiException(string.Create(CultureInfo.InvariantCulture, $"Failed to decode response: {ex.Message}"));
        }
    }
}
