using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Consensus.Transport;
using Mesh.Server.Tests.Consensus.Transport;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>
/// One server of the test cluster: its own Kestrel (HTTP/2 cleartext on 127.0.0.1) with the Raft transport, its
/// own data directory, and a <see cref="RaftHost"/> that can be stopped and restarted from that directory.
/// </summary>
internal sealed class RaftServer : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly RaftInbox _inbox;
    private readonly GrpcRaftTransport _transport = new(TimeProvider.System, TimeSpan.FromSeconds(2));
    private readonly PartitionableTransport _network;

    private RaftServer(string id, WebApplication web, RaftInbox inbox, string address)
    {
        Id = id;
        _web = web;
        _inbox = inbox;
        _network = new PartitionableTransport(_transport);
        Address = address;
        DataDirectory = Path.Combine(Path.GetTempPath(), $"raft-host-{id}-{Guid.NewGuid():N}");
    }

    public string Id { get; }

    public string Address { get; }

    public string DataDirectory { get; }

    public RaftHost? Host { get; private set; }

    public CounterMachine Machine { get; private set; } = new();

    /// <summary>This server's link to the others, which a test can cut.</summary>
    public PartitionableTransport Network => _network;

    public static async Task<RaftServer> ListenAsync(string id)
    {
        var inbox = new RaftInbox();
        var (web, port) = await RaftTransportHost.StartAsync(inbox);
        return new RaftServer(id, web, inbox, $"127.0.0.1:{port}");
    }

    /// <summary>Starts the Raft server from its directory, with a fresh state machine rebuilt from the log.</summary>
    public void Start(ClusterConfiguration? bootstrap, RaftOptions options)
    {
        Machine = new CounterMachine();
        Host = RaftHost.Start(
            new RaftHostOptions(Id, DataDirectory) { Bootstrap = bootstrap, Raft = options }, Machine, _network, TimeProvider.System);
        _inbox.Attach(_network.Inbound(Host));
    }

    public async Task StopAsync()
    {
        _inbox.Attach(null);
        if (Host is { } host)
        {
            Host = null;
            await host.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _transport.DisposeAsync();
        await _web.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
