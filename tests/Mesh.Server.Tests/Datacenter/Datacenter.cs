using System.Diagnostics;
using Mesh.Server.Tests.Process;
using Xunit.Abstractions;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>
/// A datacenter of real `mesh agent -server` processes on loopback, each with its own ports and data directory:
/// three servers bootstrap it (-bootstrap-expect=3, -retry-join), more servers and client agents can join, and
/// each agent can be killed, restarted or paused. Disposing kills every agent and deletes the data directories.
/// </summary>
internal sealed class Datacenter : IAsyncDisposable
{
    public const int Expect = 3;

    /// <summary>How long a request waits for a leader (performance.rpc_hold_timeout), short so no-leader tests stay fast.</summary>
    public static readonly TimeSpan HoldTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Generous: process start, gossip and elections all compete for two loaded CI cores.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const int OutputLinesOnDispose = 80;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mesh-dc-");
    private readonly List<DatacenterAgent> _agents = [];
    private readonly string[] _serverHcl;
    private readonly ITestOutputHelper? _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private Datacenter(string[] serverHcl, ITestOutputHelper? output)
    {
        _serverHcl = serverHcl;
        _output = output;
    }

    public IReadOnlyList<DatacenterAgent> Servers => [.. _agents.Where(a => a.IsServer)];

    public IReadOnlyList<DatacenterAgent> RunningServers => [.. Servers.Where(s => s.IsRunning)];

    /// <summary>Starts three servers and waits until they agree on a leader and on three peers.</summary>
    /// <param name="serverHcl">Extra -hcl fragments for every server.</param>
    public static async Task<Datacenter> StartAsync(ITestOutputHelper? output = null, params string[] serverHcl)
    {
        var datacenter = new Datacenter(serverHcl, output);
        try
        {
            // Every server knows all three gossip addresses up front, so whichever starts first is joined.
            var ports = Enumerable.Range(0, Expect).Select(_ => AgentPorts.Free()).ToList();
            var servers = ports.Select(p => datacenter.Add(isServer: true, p, ports.Where(o => o != p).Select(SerfAddress))).ToList();
            await Task.WhenAll(servers.Select(s => s.StartAsync()));
            datacenter.Log("3 servers started");
            var leader = await datacenter.WaitForLeaderAsync();
            datacenter.Log($"leader {leader}");
            return datacenter;
        }
        catch
        {
            await datacenter.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more server (-bootstrap-expect=3 like the others), joined to the running servers.</summary>
    public Task<DatacenterAgent> AddServerAsync() => StartJoinedAsync(isServer: true);

    /// <summary>Starts a client agent (no -server), joined to the running servers.</summary>
    public Task<DatacenterAgent> AddClientAsync() => StartJoinedAsync(isServer: false);

    /// <summary>
    /// Waits until every one of <paramref name="servers"/> (all running servers by default) reports the same
    /// leader, one of them, and exactly their addresses as peers (the voters); returns the leader.
    /// </summary>
    public async Task<DatacenterAgent> WaitForLeaderAsync(IReadOnlyList<DatacenterAgent>? servers = null, TimeSpan? deadline = null)
    {
        var among = servers ?? RunningServers;
        var addresses = among.Select(s => s.RpcAddress).Order(StringComparer.Ordinal).ToList();
        var views = await Poll.UntilAsync(
            () => Task.WhenAll(among.Select(async s => new ServerView(s, await s.LeaderAsync(), await s.PeersAsync()))),
            all => all.All(v => v.Leader == all[0].Leader && v.Peers.Order(StringComparer.Ordinal).SequenceEqual(addresses))
                && addresses.Contains(all[0].Leader),
            $"{string.Join(", ", among)} to agree on a leader among them and to have exactly them as peers",
            deadline ?? Deadline);
        return among.Single(s => s.RpcAddress == views[0].Leader);
    }

    /// <summary>Waits until <paramref name="servers"/> agree on a leader among them, whatever the peers (autopilot may not have removed a dead one yet).</summary>
    public async Task<DatacenterAgent> WaitForAgreedLeaderAsync(IReadOnlyList<DatacenterAgent> servers, TimeSpan? deadline = null)
    {
        var leaders = await Poll.UntilAsync(
            () => Task.WhenAll(servers.Select(s => s.LeaderAsync())),
            all => all.All(l => l == all[0]) && servers.Any(s => s.RpcAddress == all[0]),
            $"{string.Join(", ", servers)} to agree on a leader among them",
            deadline ?? Deadline);
        return servers.Single(s => s.RpcAddress == leaders[0]);
    }

    /// <summary>Writes a step to the test's output, stamped with the time since the datacenter started (to see where a slow run spent it).</summary>
    public void Log(string step) => _output?.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F2} s] {step}");

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_agents.Select(a => a.DisposeAsync().AsTask()));
        if (_output is not null)
        {
            foreach (var agent in _agents)
            {
                var lines = agent.Output.Split('\n');
                _output.WriteLine($"--- {agent}: last {OutputLinesOnDispose} lines ---");
                _output.WriteLine(string.Join('\n', lines.TakeLast(OutputLinesOnDispose)));
            }
        }
        _root.Delete(recursive: true);
    }

    private async Task<DatacenterAgent> StartJoinedAsync(bool isServer)
    {
        var agent = Add(isServer, AgentPorts.Free(), RunningServers.Select(s => s.SerfAddress));
        await agent.StartAsync();
        return agent;
    }

    private DatacenterAgent Add(bool isServer, AgentPorts ports, IEnumerable<string> join)
    {
        var name = isServer ? $"s{Servers.Count + 1}" : $"c{_agents.Count(a => !a.IsServer) + 1}";
        var dataDir = _root.CreateSubdirectory(name).FullName;
        List<string> args = ["-bind=127.0.0.1", $"-node={name}", $"-data-dir={dataDir}", "-hcl", $"performance {{ raft_multiplier = 1 rpc_hold_timeout = \"{(int)HoldTimeout.TotalMilliseconds}ms\" }}"];
        if (isServer)
        {
            args.AddRange(["-server", $"-bootstrap-expect={Expect}", .. _serverHcl.SelectMany(h => new[] { "-hcl", h })]);
        }
        args.AddRange(join.SelectMany(address => new[] { "-retry-join", address }));
        var agent = new DatacenterAgent(name, isServer, ports, dataDir, [.. args]);
        _agents.Add(agent);
        return agent;
    }

    private static string SerfAddress(AgentPorts ports) => $"127.0.0.1:{ports.SerfLan}";

    private sealed record ServerView(DatacenterAgent Server, string Leader, string[] Peers)
    {
        public override string ToString() => $"{Server.Name}: leader '{Leader}', peers [{string.Join(", ", Peers)}]";
    }
}
