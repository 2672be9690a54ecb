using System.Net.Http.Json;
using System.Text.Json;

namespace Aspire.Hosting.Mesh;

/// <summary>The few calls of an agent's Consul-compatible HTTP API that the app host makes.</summary>
internal static class MeshApi
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private static Uri At(MeshAgentPorts agent, string pathAndQuery) => new($"http://{agent.HttpAddress}{pathAndQuery}");

    /// <summary>The leader's server address as this agent knows it; empty while there is none.</summary>
    public static async Task<string> LeaderAsync(MeshAgentPorts agent, CancellationToken cancellationToken) =>
        await Http.GetFromJsonAsync<string>(At(agent, "/v1/status/leader"), cancellationToken).ConfigureAwait(false) ?? "";

    /// <summary>This server's Raft state, term and log position, and the leader it follows (Stats of /v1/agent/self).</summary>
    public static async Task<MeshRaftStats> RaftStatsAsync(MeshAgentPorts server, CancellationToken cancellationToken)
    {
        using var self = await Http.GetFromJsonAsync<JsonDocument>(At(server, "/v1/agent/self"), cancellationToken).ConfigureAwait(false);
        var stats = self!.RootElement.GetProperty("Stats");
        var raft = stats.GetProperty("raft");
        return new MeshRaftStats(
            raft.GetProperty("state").GetString()!.ToLowerInvariant(),
            raft.GetProperty("term").GetString()!,
            raft.GetProperty("last_log_index").GetString()!,
            raft.GetProperty("applied_index").GetString()!,
            stats.GetProperty("consul").GetProperty("leader_addr").GetString() ?? "");
    }

    public static async Task SetIntentionAsync(MeshAgentPorts agent, MeshIntention intention, CancellationToken cancellationToken)
    {
        var path = $"/v1/connect/intentions/exact?source={Uri.EscapeDataString(intention.Source)}&destination={Uri.EscapeDataString(intention.Destination)}";
        using var response = await Http.PutAsJsonAsync(At(agent, path), new { Action = intention.Allow ? "allow" : "deny" }, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public static async Task TransferLeadershipAsync(MeshAgentPorts server, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsync(At(server, "/v1/operator/raft/transfer-leader"), content: null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Saves a snapshot of the datacenter's state to <paramref name="file"/>, as `mesh snapshot save` does.</summary>
    public static async Task SaveSnapshotAsync(MeshAgentPorts server, string file, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(At(server, "/v1/snapshot"), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var target = File.Create(file);
        await using (target.ConfigureAwait(false))
        {
            await response.Content.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A refusal carries the agent's one-line reason, which the dashboard shows.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var reason = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"{(int)response.StatusCode}: {reason.Trim()}", inner: null, response.StatusCode);
        }
    }
}

/// <summary>One server's view of Raft; values as the agent reports them.</summary>
internal sealed record MeshRaftStats(string Role, string Term, string LastLogIndex, string AppliedIndex, string Leader);
