using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>Real Raft hosts over gRPC and real disks in one process, and the waits and retries tests need on them.</summary>
internal sealed class RaftCluster : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private RaftCluster(List<RaftServer> servers, ClusterConfiguration configuration, RaftOptions options)
    {
        Servers = servers;
        Configuration = configuration;
        Options = options;
    }

    public List<RaftServer> Servers { get; }

    /// <summary>The founders' configuration.</summary>
    public ClusterConfiguration Configuration { get; }

    public RaftOptions Options { get; }

    public static async Task<RaftCluster> StartAsync(int size, RaftOptions? options = null)
    {
        var servers = new List<RaftServer>();
        for (var i = 1; i <= size; i++)
        {
            servers.Add(await RaftServer.ListenAsync($"s{i}"));
        }
        var configuration = new ClusterConfiguration(servers.Select(s => new RaftMember(s.Id, s.Address, MemberRole.Voter)));
        var cluster = new RaftCluster(servers, configuration, options ?? new RaftOptions());
        foreach (var server in servers)
        {
            cluster.Start(server);
        }
        return cluster;
    }

    /// <summary>Starts (or restarts) a founder from its directory.</summary>
    public void Start(RaftServer server) => server.Start(Configuration, Options);

    /// <summary>A server that is not a founder: it starts empty and waits for a leader to add it.</summary>
    public async Task<RaftServer> AddEmptyServerAsync(string id)
    {
        var server = await RaftServer.ListenAsync(id);
        Servers.Add(server);
        server.Start(null, Options);
        // What gossip tells a real server: where the others listen.
        foreach (var other in Servers.Where(s => s != server))
        {
            server.Host!.LearnAddress(other.Id, other.Address);
        }
        return server;
    }

    /// <summary>Proposes concurrently (so proposals share fsyncs), following leader changes; returns the acknowledged indexes.</summary>
    public async Task<List<ulong>> ProposeAsync(int count)
    {
        var indexes = await Task.WhenAll(Enumerable.Range(0, count).Select(i => ProposeOneAsync(BitConverter.GetBytes(i))));
        return [.. indexes.Order()];
    }

    private async Task<ulong> ProposeOneAsync(byte[] command)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            var leader = await LeaderAsync();
            try
            {
                return (await leader.Host!.ProposeAsync(command, timeout.Token)).Index;
            }
            catch (NotLeaderException)
            {
                // Leadership moved between the look-up and the proposal: find the new leader.
            }
            catch (RaftRequestRejectedException)
            {
                // A new leader not ready yet, or the entry lost to a leader change: retry.
            }
            await Task.Delay(20, timeout.Token);
        }
    }

    public async Task<RaftServer> LeaderAsync()
    {
        RaftServer? leader = null;
        await WaitAsync(() => (leader = Servers.FirstOrDefault(s => s.Host?.Role == RaftRole.Leader)) is not null, "a leader is elected");
        return leader!;
    }

    public string Describe() => string.Join(", ", Servers.Select(s =>
        s.Host is { } host
            ? $"{s.Id} {host.Role} t{host.Term} leader={host.LeaderId} commit={host.CommitIndex} applied={s.Machine.Count} snapshot={host.Snapshot?.Index} config={host.Configuration} failure={host.Failure?.Message}"
            : $"{s.Id} down"));

    public async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Deadline;
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"Timed out waiting until {what}: {Describe()}.");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }
}
