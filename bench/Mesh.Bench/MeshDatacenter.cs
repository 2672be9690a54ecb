using System.Globalization;
using System.Net.Http.Json;

namespace Mesh.Bench;

/// <summary>
/// Three <c>mesh agent -server -bootstrap-expect=3</c> on free loopback ports, each with its own data directory
/// (Raft log fsynced), the second and third joining the first's gossip; ready once every server lists three Raft
/// peers and names the same leader.
/// </summary>
internal sealed class MeshDatacenter : IDatacenter
{
    private const int Count = 3;

    private readonly (AgentProcess Agent, string RaftAddress)[] _servers;
    private int _leader;

    private MeshDatacenter((AgentProcess Agent, string RaftAddress)[] servers) => _servers = servers;

    public string Column => "mesh-dc";

    public string Header => $"mesh: {Count} servers (agent -server), fsync";

    public IReadOnlyList<Uri> Servers => [.. LeaderFirst().Select(s => s.Agent.BaseAddress)];

    public IReadOnlyList<int> Pids => [.. LeaderFirst().Select(s => s.Agent.Pid)];

    public static async Task<MeshDatacenter> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var ports = Enumerable.Range(1, Count).Select(i => (Node: $"s{i}", Http: FreePort.Next(), Server: FreePort.Next(), Serf: FreePort.Next())).ToArray();
        var servers = new List<(AgentProcess, string)>();
        try
        {
            foreach (var (node, http, server, serf) in ports)
            {
                string[] join = node == ports[0].Node ? [] : [$"-retry-join=127.0.0.1:{ports[0].Serf}"];
                var agent = AgentProcess.Launch($"mesh server {node}", scratch =>
                [
                    "-server", "-bootstrap-expect=" + Text(Count), "-bind=127.0.0.1", "-node=" + node, "-data-dir=" + scratch.FullName, .. join,
                    "-http-port", Text(http), "-server-port", Text(server), "-serf-lan-port", Text(serf), "-dns-port", "-1",
                    // Consul defaults to 5 (sized for minimal hardware) and recommends 1 for production servers.
                    "-hcl", "performance { raft_multiplier = 1 }",
                    "-log-level", "warn",
                ], http);
                servers.Add((agent, $"127.0.0.1:{server}"));
            }
        }
        catch
        {
            await DisposeAsync(servers).ConfigureAwait(false);
            throw;
        }
        var datacenter = new MeshDatacenter([.. servers]);
        try
        {
            await datacenter._servers[0].Agent.WaitReadyAsync(datacenter.FormedAsync, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await datacenter.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return datacenter;
    }

    public IKvTarget Target(Uri server, KvRead read) => new MeshKvTarget(server, read);

    public async Task<bool> LeaderUnchangedAsync(CancellationToken cancellationToken)
    {
        var leader = _servers[_leader];
        return await LeaderOfAsync(leader.Agent, cancellationToken).ConfigureAwait(false) == leader.RaftAddress;
    }

    public void EnsureRunning()
    {
        foreach (var (agent, _) in _servers)
        {
            agent.EnsureRunning();
        }
    }

    public ValueTask DisposeAsync() => new(DisposeAsync(_servers));

    /// <summary>Every server lists <see cref="Count"/> Raft peers and names the same leader, which is one of them.</summary>
    private async Task<bool> FormedAsync(CancellationToken cancellationToken)
    {
        // A server that died names itself rather than leaving the wait to time out.
        EnsureRunning();
        var views = await Task.WhenAll(_servers.Select(async server =>
        {
            var peers = await server.Agent.Http.GetFromJsonAsync<string[]>(new Uri("/v1/status/peers", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return (Peers: peers?.Length ?? 0, Leader: await LeaderOfAsync(server.Agent, cancellationToken).ConfigureAwait(false));
        })).ConfigureAwait(false);
        var leader = Array.FindIndex(_servers, s => s.RaftAddress == views[0].Leader);
        if (leader < 0 || !views.All(v => v.Peers == Count && v.Leader == views[0].Leader))
        {
            return false;
        }
        _leader = leader;
        return true;
    }

    /// <summary>The Raft address of the leader as <paramref name="agent"/> knows it ("" while there is none).</summary>
    private static async Task<string> LeaderOfAsync(AgentProcess agent, CancellationToken cancellationToken) =>
        await agent.Http.GetFromJsonAsync<string>(new Uri("/v1/status/leader", UriKind.Relative), cancellationToken).ConfigureAwait(false) ?? "";

    private IEnumerable<(AgentProcess Agent, string RaftAddress)> LeaderFirst() => _servers.Select((s, i) => (s, i)).OrderBy(p => p.i != _leader).Select(p => p.s);

    private static async Task DisposeAsync(IEnumerable<(AgentProcess Agent, string RaftAddress)> servers) =>
        await Task.WhenAll(servers.Select(s => s.Agent.DisposeAsync().AsTask())).ConfigureAwait(false);

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
