namespace Mesh.Server.Gossip;

/// <summary>Applying alive and dead notices, incarnation refutation and forgetting old members.</summary>
public sealed partial class GossipNode
{
    private readonly List<MemberRecord> _nodes = [];
    private uint _incarnation;

    private void AliveNode(AliveMessage alive, bool bootstrap)
    {
        var isLocal = alive.Node == Name;
        if (_left && isLocal)
        {
            return;
        }
        var reclaims = false;
        if (!_members.TryGetValue(alive.Node, out var member) || member.Retired)
        {
            // Incarnations start at 1: a 0 could never be accepted and would only leave a phantom entry.
            if (alive.Incarnation == 0)
            {
                return;
            }
            member = Remember(member, alive);
        }
        else if (!member.Address.Equals(alive.Address))
        {
            // A name moves to a new address only once its old holder left or has been dead a while.
            var canReclaim = Now - member.StateChange > _options.DeadNodeReclaimTime;
            if (member.State != MemberState.Left && !(member.State == MemberState.Dead && canReclaim))
            {
                return;
            }
            reclaims = true;
        }
        if (alive.Incarnation <= member.Incarnation && !isLocal && !reclaims)
        {
            return;
        }
        if (alive.Incarnation < member.Incarnation && isLocal)
        {
            return;
        }
        CancelSuspicion(member);
        var oldState = member.State;
        var oldMetadata = member.Metadata;
        if (!bootstrap && isLocal)
        {
            // Our own notice coming back is fine; anything else about us is stale or forged: refute it.
            if (alive.Incarnation == member.Incarnation && alive.Metadata.Equals(member.Metadata))
            {
                return;
            }
            Refute(member, alive.Incarnation);
        }
        else
        {
            Broadcast(alive.Node, alive);
            member.Incarnation = alive.Incarnation;
            member.Metadata = alive.Metadata;
            member.Address = alive.Address;
            if (member.State != MemberState.Alive)
            {
                member.State = MemberState.Alive;
                member.StateChange = Now;
            }
        }
        if (oldState is MemberState.Dead or MemberState.Left)
        {
            Notify(MemberEventKind.Joined, member);
        }
        else if (!oldMetadata.Equals(member.Metadata))
        {
            Notify(MemberEventKind.Updated, member);
        }
        else if (oldState == MemberState.Suspect && member.State == MemberState.Alive)
        {
            Notify(MemberEventKind.Recovered, member);
        }
    }

    /// <summary>A new member, or one forgotten by the protocol, enters the list at a random position (as memberlist).</summary>
    private MemberRecord Remember(MemberRecord? retired, AliveMessage alive)
    {
        var member = retired ?? new MemberRecord(alive.Node, alive.Address, alive.Metadata);
        member.Incarnation = 0;
        member.State = MemberState.Dead;
        member.Retired = false;
        member.Address = alive.Address;
        _members[alive.Node] = member;
        var count = _nodes.Count;
        var offset = count == 0 ? 0 : _random.Next(count);
        _nodes.Add(member);
        (_nodes[offset], _nodes[count]) = (_nodes[count], _nodes[offset]);
        return member;
    }

    private void DeadNode(DeadMessage dead)
    {
        if (!_members.TryGetValue(dead.Node, out var member) || member.Retired || dead.Incarnation < member.Incarnation)
        {
            return;
        }
        CancelSuspicion(member);
        var leaving = dead.Node == dead.From;
        // A leave notice still turns a failed member into a left one (a late leave, or a force-leave).
        if (member.State == MemberState.Left || (member.State == MemberState.Dead && !leaving))
        {
            return;
        }
        if (dead.Node == Name)
        {
            if (!_left)
            {
                Refute(member, dead.Incarnation);
                return;
            }
            Broadcast(dead.Node, dead, LeaveBroadcastFinished);
        }
        else
        {
            Broadcast(dead.Node, dead);
        }
        member.Incarnation = dead.Incarnation;
        member.State = leaving ? MemberState.Left : MemberState.Dead;
        member.StateChange = Now;
        Notify(member.State == MemberState.Left ? MemberEventKind.Left : MemberEventKind.Failed, member);
    }

    /// <summary>Someone thinks we are suspect or dead: outbid their incarnation and tell everyone we are alive.</summary>
    private void Refute(MemberRecord self, uint accusedIncarnation)
    {
        var incarnation = NextIncarnation();
        if (accusedIncarnation >= incarnation && accusedIncarnation < uint.MaxValue)
        {
            _incarnation = accusedIncarnation + 1;
            incarnation = _incarnation;
        }
        self.Incarnation = incarnation;
        // Lifeguard: being suspected hints that we are the slow one.
        ApplyAwareness(1);
        _observer.Refuted();
        Broadcast(Name, new AliveMessage(incarnation, Name, self.Address, self.Metadata));
    }

    /// <summary>
    /// Starts a new probe round: members dead or left longer than GossipToTheDeadTime leave the protocol's list
    /// (they stay listed until their retention ends), and the order is reshuffled.
    /// </summary>
    private void ResetNodes()
    {
        var now = Now;
        _nodes.RemoveAll(member =>
        {
            var retire = member.Name != Name && member.DeadOrLeft && now - member.StateChange > _options.GossipToTheDeadTime;
            member.Retired |= retire;
            return retire;
        });
        _random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_nodes));
        foreach (var member in _members.Values.Where(member => member.Retired).ToList())
        {
            var retention = member.State == MemberState.Left ? _options.LeftMemberRetention : _options.FailedMemberRetention;
            if (now - member.StateChange > retention)
            {
                _members.Remove(member.Name);
                Notify(MemberEventKind.Removed, member);
            }
        }
    }

    /// <summary>memberlist's kRandomNodes: up to <paramref name="count"/> distinct members not excluded.</summary>
    private List<MemberRecord> RandomMembers(int count, Func<MemberRecord, bool> exclude)
    {
        var chosen = new List<MemberRecord>(count);
        var total = _nodes.Count;
        if (total < count * 3)
        {
            var shuffled = _nodes.ToArray();
            _random.Shuffle(shuffled);
            foreach (var member in shuffled)
            {
                if (chosen.Count == count)
                {
                    break;
                }
                if (!exclude(member))
                {
                    chosen.Add(member);
                }
            }
            return chosen;
        }
        for (var i = 0; i < 3 * total && chosen.Count < count; i++)
        {
            var member = _nodes[_random.Next(total)];
            if (!exclude(member) && !chosen.Contains(member))
            {
                chosen.Add(member);
            }
        }
        return chosen;
    }
}
