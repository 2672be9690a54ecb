using System.Diagnostics.Metrics;
using Mesh.Server.Agent;
using Mesh.Server.Agent.Membership;
using Mesh.Server.Config;
using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Consensus.Transport;
using Mesh.Server.Rpc;
using Mesh.Server.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// A server's Raft: it decides how to start (recover, bootstrap, or wait to be added; see the Bootstrap part),
/// runs the <see cref="RaftHost"/> over the state store, and tells the API who leads.
/// </summary>
public sealed partial class ServerConsensus : IHostedService, IClusterStatus, ILeadership, IAsyncDisposable
{
    private readonly AgentConfig _config;
    private readonly StateStore _store;
    private readonly IAgentMembership _membership;
    private readonly RaftInbox _inbox;
    private readonly ServerConnections _connections;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IMeterFactory? _meters;
    private readonly GrpcRaftTransport _transport;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<RaftHost> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _starting = Task.CompletedTask;
    private volatile RaftHost? _host;
    private int _disposed;

    public ServerConsensus(
        AgentConfig config,
        StateStore store,
        IAgentMembership membership,
        RaftInbox inbox,
        ServerConnections connections,
        TimeProvider time,
        ILogger<ServerConsensus> logger,
        IMeterFactory? meters = null)
    {
        _config = config;
        _store = store;
        _membership = membership;
        _inbox = inbox;
        _connections = connections;
        _time = time;
        _logger = logger;
        _meters = meters;
        Options = RaftOptions.ForMultiplier(config.RaftMultiplier) with
        {
            SnapshotThreshold = (ulong)config.RaftSnapshotThreshold,
            TrailingLogs = (ulong)config.RaftTrailingLogs,
        };
        _transport = new GrpcRaftTransport(time, Options.TickInterval * Options.ElectionTicks);
    }

    /// <summary>This server's Raft ID: its node ID, as Consul's raft protocol 3 uses.</summary>
    public string ServerId => _config.NodeId;

    /// <summary>Where other servers reach this one's Raft and agent RPC.</summary>
    public string Address => $"{_config.AdvertiseAddr}:{_config.Ports.Server}";

    public RaftOptions Options { get; }

    /// <summary>How long a request waits for a leader before failing (performance.rpc_hold_timeout).</summary>
    public TimeSpan HoldTimeout => _config.RpcHoldTimeout;

    /// <summary>The running Raft server; null until this server has recovered, bootstrapped or decided to wait.</summary>
    public RaftHost? Host => _host;

    /// <summary>Completes once the Raft server runs.</summary>
    public Task<RaftHost> Started => _started.Task;

    public string Leader => LeaderAddress ?? "";

    /// <summary>The leader's RPC address, or null when this server knows no leader.</summary>
    public string? LeaderAddress =>
        _host is { LeaderId: { } leader } host ? host.Configuration.Find(leader)?.Address : null;

    public IReadOnlyList<string> Peers =>
        _host is { } host ? [.. host.Configuration.Members.Where(m => m.Role == MemberRole.Voter).Select(m => m.Address)] : [];

    public bool KnownLeader => LeaderAddress is not null;

    public TimeSpan LastContact => _host?.LastLeaderContact ?? TimeSpan.MaxValue;

    public bool IsLeader => _host?.Role == RaftRole.Leader;

    public async Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken)
    {
        var host = await Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await host.WaitForLeadershipAsync(cancellationToken).ConfigureAwait(false);
    }

    private string DataDirectory => Path.Combine(_config.DataDir ?? throw new InvalidOperationException("A Raft server needs a data directory."), "raft");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _starting = Task.Run(() => StartRaftAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _starting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _inbox.Attach(null);
        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as a hosted service, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Run(ClusterConfiguration? bootstrap)
    {
        var options = new RaftHostOptions(ServerId, DataDirectory) { Raft = Options, Bootstrap = bootstrap, MeterFactory = _meters };
        var host = RaftHost.Start(options, new StoreStateMachine(_store), _transport, _time);
        _host = host;
        _inbox.Attach(host);
        LearnServerAddresses();
        _logger.LogInformation(
            "Raft server {Id} started at {Address} (configuration {Configuration}, last index {Index})",
            ServerId, Address, host.Configuration, host.LastLogIndex);
        _started.TrySetResult(host);
    }

    /// <summary>
    /// Gossip says where each server listens; a server outside this one's configuration (being added, or adding
    /// this one) is reachable only through that.
    /// </summary>
    public void LearnServerAddresses()
    {
        if (_host is not { } host)
        {
            return;
        }
        foreach (var server in ServerMembers())
        {
            host.LearnAddress(server.Id, server.Address);
        }
    }

    /// <summary>The alive servers of this datacenter that gossip shows, this one included.</summary>
    public IReadOnlyList<ServerMember> ServerMembers() =>
    [
        .. _membership.Members()
            .Where(m => m.Status == MemberStatus.Alive && MemberTags.IsServerOf(m.Tags, _config.Datacenter) && m.Tags.ContainsKey(MemberTags.Id))
            .Select(m => new ServerMember(m.Tags[MemberTags.Id], m.Name, $"{m.Addr}:{m.Tags[MemberTags.Port]}", m.Tags)),
    ];
}

/// <summary>A server as gossip shows it: its Raft ID (node ID), node name and RPC address.</summary>
public sealed record ServerMember(string Id, string Node, string Address, IReadOnlyDictionary<string, string> Tags);
