using System.Collections.Concurrent;

namespace Mesh.Server.Consensus.Hosting;

/// <summary>Membership changes and leadership transfer, on the leader.</summary>
public sealed partial class RaftHost
{
    private readonly ConcurrentDictionary<long, bool> _transfers = new();
    private string? _lastLeader;
    private readonly ConcurrentDictionary<string, string> _knownAddresses = new(StringComparer.Ordinal);

    /// <summary>
    /// Tells this server where another one listens, for servers outside its configuration: a server being added
    /// knows no configuration until the leader's log reaches it, yet must answer the leader.
    /// </summary>
    public void LearnAddress(string serverId, string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverId);
        ArgumentException.ThrowIfNullOrEmpty(address);
        _knownAddresses[serverId] = address;
    }

    private string? AddressOf(string serverId) =>
        _node.Configuration.Find(serverId)?.Address ?? _knownAddresses.GetValueOrDefault(serverId);

    /// <summary>
    /// Adds (as a non-voter that the leader promotes once caught up) or removes one server. Completes with the
    /// configuration entry's index once applied here; the promotion of an added voter follows on its own.
    /// </summary>
    public async Task<ulong> ChangeMembershipAsync(MembershipChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return (await Submit(id => new ChangeMembership(id, change), cancellationToken).ConfigureAwait(false)).Index;
    }

    /// <summary>
    /// Hands leadership to <paramref name="target"/> (or the most up-to-date voter) and completes once this server
    /// stepped down. Fails if it is not the leader, or if no one took over within two election timeouts.
    /// </summary>
    public async Task TransferLeadershipAsync(string? target = null, CancellationToken cancellationToken = default)
    {
        var timeout = _options.Raft.TickInterval * (_options.Raft.ElectionTicks * 2);
        var requestId = 0L;
        var handedOver = Submit(
            id =>
            {
                requestId = id;
                _transfers[id] = true;
                return new TransferLeadership(id, target);
            },
            cancellationToken);
        try
        {
            await handedOver.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _requests.TryRemove(requestId, out _);
            throw new RaftRequestRejectedException($"No server took over leadership within {timeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _transfers.TryRemove(requestId, out _);
        }
    }

    private void OnRoleChanged(RoleChanged changed)
    {
        if (changed.LeaderId != _lastLeader)
        {
            _lastLeader = changed.LeaderId;
            if (changed.LeaderId is not null)
            {
                _metrics.LeaderChanged();
            }
        }
        TrackLeadership(changed.Role);
        if (changed.Role == RaftRole.Leader)
        {
            return;
        }
        foreach (var id in _transfers.Keys)
        {
            if (_requests.TryRemove(id, out var completion))
            {
                completion.TrySetResult(new RaftResult(changed.Term, null));
            }
        }
    }
}
