using System.Buffers.Binary;
using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>The clients (proposals and reads throughout) and the chaos monkey (crashes, partitions, membership, transfers).</summary>
public sealed partial class ClusterSimulation
{
    private readonly Dictionary<long, ulong> _proposals = [];
    private readonly Dictionary<long, (ulong AcknowledgedBefore, bool Lease)> _readRequests = [];
    private long _nextRequest;
    private ulong _nextCommand;

    private SimNode? BelievedLeader() =>
        _nodes.Where(n => n.Raft?.Role == RaftRole.Leader).MaxBy(n => n.Raft!.Term);

    private SimNode RandomUp()
    {
        var up = _nodes.Where(n => n.Up).ToList();
        return up.Count == 0 ? _nodes[0] : up[_random.Next(up.Count)];
    }

    private void OnClientTurn()
    {
        if (!_clients)
        {
            return;
        }
        Schedule(_random.Next(200, 4000), new ClientTurn());
        // Mostly the newest leader, but also deposed leaders that do not know it yet (stale reads live there).
        var leaders = _nodes.Where(n => n.Raft?.Role == RaftRole.Leader).ToList();
        var target = _random.Next(10) switch
        {
            0 => RandomUp(),
            < 4 when leaders.Count > 0 => leaders[_random.Next(leaders.Count)],
            _ => BelievedLeader() ?? RandomUp(),
        };
        if (!target.Up)
        {
            return;
        }
        var request = ++_nextRequest;
        if (_random.Next(5) > 0)
        {
            var command = ++_nextCommand;
            var data = new byte[8 + (_random.Next(4) == 0 ? _random.Next(300) : 0)];
            BinaryPrimitives.WriteUInt64LittleEndian(data, command);
            _proposals[request] = command;
            StepNode(target, new Propose(request, data));
        }
        else
        {
            var lease = _random.Next(2) == 0;
            _readRequests[request] = (_checker.MaxAcknowledgedIndex, lease);
            StepNode(target, new ReadRequest(request, lease ? ReadConsistency.Lease : ReadConsistency.ReadIndex));
        }
    }

    private void OnChaosTurn()
    {
        if (!_chaos)
        {
            return;
        }
        Schedule(_random.Next(1, 60) * Millisecond, new ChaosTurn());
        var roll = _random.Next(100);
        switch (roll)
        {
            case < 18:
                CrashSome();
                break;
            case < 22:
                CrashLeaderAndBestFollower();
                break;
            case < 36:
                PartitionSome();
                break;
            case < 46:
                _dropRate = _random.Next(4) == 0 ? 0 : _random.NextDouble() * 0.3;
                _duplicateRate = _random.NextDouble() * 0.1;
                _delayRate = _random.NextDouble() * 0.2;
                Record($"NETWORK drop {_dropRate:F2} dup {_duplicateRate:F2} delay {_delayRate:F2}");
                break;
            case < 58:
                ChangeMembership();
                break;
            case < 64:
                TransferLeadership();
                break;
            case < 70:
                var slow = RandomUp();
                slow.DiskSlowness = _random.Next(10, 60);
                Record($"{slow.Id} disk SLOW x{slow.DiskSlowness}");
                Schedule(_random.Next(20, 300) * Millisecond, new DiskRecovers(slow.Index));
                break;
        }
    }

    private void CrashSome()
    {
        var leader = BelievedLeader();
        var victim = leader is not null && _random.Next(3) == 0 ? leader : RandomUp();
        if (victim.Up)
        {
            Crash(victim);
        }
    }

    /// <summary>The case that lost acknowledged writes in DotNext: the leader and the most up-to-date follower die together.</summary>
    private void CrashLeaderAndBestFollower()
    {
        if (BelievedLeader() is not { } leader)
        {
            return;
        }
        var follower = _nodes.Where(n => n.Up && n != leader && leader.Raft!.Configuration.IsVoter(n.Id))
            .MaxBy(n => n.Raft!.Log.LastIndex);
        Crash(leader);
        if (follower is not null)
        {
            Crash(follower);
        }
    }

    private void PartitionSome()
    {
        var duration = _random.Next(10, 400) * Millisecond;
        var leader = BelievedLeader();
        switch (_random.Next(3))
        {
            case 0 when leader is not null:
                Partition([leader], duration);
                break;
            case 1 when leader is not null:
                // The leader with a minority that includes one follower.
                Partition([leader, _nodes.Where(n => n != leader).ElementAt(_random.Next(_nodes.Length - 1))], duration);
                break;
            default:
                Partition(_nodes.Where(_ => _random.Next(2) == 0).ToList(), duration);
                break;
        }
    }

    private void ChangeMembership()
    {
        if (BelievedLeader() is not { Raft: { } raft } leader)
        {
            return;
        }
        var configuration = raft.Configuration;
        var outsiders = _nodes.Where(n => !configuration.Contains(n.Id)).ToList();
        var voters = configuration.Voters.Count;
        var minimum = Math.Max(2, _settings.Nodes - 1);
        var maximum = _settings.Nodes + 1;
        MembershipChange change;
        if (outsiders.Count > 0 && voters < maximum && _random.Next(2) == 0)
        {
            var joiner = outsiders[_random.Next(outsiders.Count)];
            var kind = _random.Next(4) == 0 ? MembershipChangeKind.AddLearner : MembershipChangeKind.AddVoter;
            change = new MembershipChange(kind, joiner.Id, joiner.Id + ":8300");
        }
        else if (configuration.Members.FirstOrDefault(m => m.Role == MemberRole.Learner) is { } learner && _random.Next(2) == 0)
        {
            change = new MembershipChange(MembershipChangeKind.AddVoter, learner.Id);
        }
        else if (voters > minimum || configuration.Members.Any(m => m.Role != MemberRole.Voter))
        {
            var members = configuration.Members.Where(m => m.Role != MemberRole.Voter || voters > minimum).ToList();
            change = new MembershipChange(MembershipChangeKind.RemoveServer, members[_random.Next(members.Count)].Id);
        }
        else
        {
            return;
        }
        _membershipChanges++;
        Record($"MEMBERSHIP {change.Kind} {change.ServerId} via {leader.Id}");
        StepNode(leader, new ChangeMembership(++_nextRequest, change));
    }

    private void TransferLeadership()
    {
        if (BelievedLeader() is not { Raft: { } raft } leader)
        {
            return;
        }
        var voters = raft.Configuration.Voters.Where(v => v != leader.Id).ToList();
        var target = voters.Count > 0 && _random.Next(2) == 0 ? voters[_random.Next(voters.Count)] : null;
        _transfers++;
        StepNode(leader, new TransferLeadership(++_nextRequest, target));
    }
}
