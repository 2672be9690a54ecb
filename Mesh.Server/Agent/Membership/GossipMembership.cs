using System.Net;
using Mesh.Server.Config;
using Mesh.Server.Gossip;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent.Membership;

/// <summary>
/// The agent in the LAN gossip pool: starts gossip on serf_lan, joins the <c>-join</c> addresses at start and keeps
/// trying the <c>-retry-join</c> ones until one answers, and answers who the members and servers are.
/// </summary>
public sealed class GossipMembership : IAgentMembership, IUserEventGossip, IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    // Consul's retry_interval.
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly AgentConfig _config;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task _retryJoin = Task.CompletedTask;
    private int _disposed;

    public GossipMembership(AgentConfig config, TimeProvider time, ILoggerFactory loggers, System.Diagnostics.Metrics.IMeterFactory? meters)
    {
        _config = config;
        _time = time;
        _logger = loggers.CreateLogger<GossipMembership>();
        Gossip = GossipAgent.Start(Options(config), time, loggers.CreateLogger<GossipAgent>(), meters);
    }

    public GossipAgent Gossip { get; }

    public IReadOnlyList<GossipMember> Members() => [.. Gossip.Members().Select(ToGossipMember)];

    public string? PickServer()
    {
        var servers = Gossip.Members()
            .Where(m => m.State is MemberState.Alive or MemberState.Suspect && MemberTags.IsServerOf(m.Metadata, _config.Datacenter))
            .ToList();
        if (servers.Count == 0)
        {
            return null;
        }
        var server = servers[Random.Shared.Next(servers.Count)];
        return $"{server.Address.Address}:{server.Metadata[MemberTags.Port]}";
    }

    public Task<int> JoinAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken = default) =>
        Gossip.JoinAsync(addresses, cancellationToken);

    /// <summary>A failed member becomes "left" across the pool; the leader then drops it from the catalog.</summary>
    public Task ForceLeaveAsync(string node, CancellationToken cancellationToken = default)
    {
        var member = Gossip.Find(node) ?? throw AgentException.NotFound($"Unknown node \"{node}\"");
        // An alive member would refute it at once, as in Consul: only failed members can be forced out.
        return Gossip.ForceLeave(member.Name)
            ? Task.CompletedTask
            : throw AgentException.BadRequest($"Node \"{node}\" is not failed ({member.State.ToString().ToLowerInvariant()})");
    }

    public Task LeaveAsync(CancellationToken cancellationToken = default) => Gossip.LeaveAsync(cancellationToken);

    public Task<KeyringResponse> KeyringAsync(KeyringOperation operation, string? key, int relayFactor, CancellationToken cancellationToken = default) =>
        Gossip.KeyManager.ExecuteAsync(operation, key, relayFactor, cancellationToken);

    public void FireUserEvent(string name, byte[] payload) => Gossip.FireUserEvent(name, payload);

    public void HandleUserEvents(Action<GossipUserEvent> handler) => Gossip.HandleUserEvents(handler);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_config.Join.Count > 0)
        {
            // -join must succeed at start, as Consul's does.
            await JoinAsync(_config.Join, cancellationToken).ConfigureAwait(false);
        }
        if (_config.RetryJoin.Count > 0)
        {
            _retryJoin = Task.Run(() => RetryJoinAsync(_stopping.Token), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retryJoin.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as a hosted service, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await Gossip.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RetryJoinAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var joined = await JoinAsync(_config.RetryJoin, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Join completed: {Joined} members answered", joined);
                return;
            }
            catch (GossipException ex)
            {
                _logger.LogWarning("Join failed, retrying in {Delay}: {Error}", delay, ex.Message);
            }
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            delay = TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, delay.Ticks * 2));
        }
    }

    private static GossipMember ToGossipMember(Member member) => new(
        member.Name,
        member.Address.Address.ToString(),
        member.Address.Port,
        member.Metadata,
        member.State switch
        {
            MemberState.Alive or MemberState.Suspect => MemberStatus.Alive,
            MemberState.Dead => MemberStatus.Failed,
            _ => MemberStatus.Left,
        });

    private static GossipAgentOptions Options(AgentConfig config)
    {
        // With a data directory the keyring lives in Consul's serf/local.keyring, so rotations survive restarts.
        var keyringFile = config.DataDir is null ? null : GossipKeyringFile.PathIn(config.DataDir);
        var keyring = keyringFile is not null
            ? GossipKeyringFile.Open(keyringFile, config.Encrypt)
            : string.IsNullOrEmpty(config.Encrypt) ? null : new GossipKeyring(config.Encrypt);
        return new GossipAgentOptions
        {
            NodeName = config.NodeName,
            BindAddress = IPAddress.Parse(config.BindAddr),
            Port = config.Ports.SerfLan,
            AdvertiseAddress = IPAddress.Parse(config.AdvertiseAddr),
            Metadata = MemberTags.For(config),
            Keyring = keyring,
            KeyringFile = keyring is null ? null : keyringFile,
            Protocol = new GossipOptions
            {
                ProbeInterval = config.GossipLan.ProbeInterval,
                ProbeTimeout = config.GossipLan.ProbeTimeout,
                IndirectChecks = config.GossipLan.IndirectChecks,
                GossipInterval = config.GossipLan.GossipInterval,
                GossipNodes = config.GossipLan.GossipNodes,
                RetransmitMult = config.GossipLan.RetransmitMult,
                SuspicionMult = config.GossipLan.SuspicionMult,
                PushPullInterval = config.GossipLan.PushPullInterval,
            },
        };
    }
}
