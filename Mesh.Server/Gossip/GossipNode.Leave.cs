namespace Mesh.Server.Gossip;

/// <summary>Graceful leave: a dead notice about ourselves from ourselves, which others record as "left".</summary>
public sealed partial class GossipNode
{
    private bool _left;
    private bool _leaveFinished;

    public bool HasLeft => _left;

    /// <summary>Broadcasts our departure and stops probing; a <see cref="LeaveFinished"/> action follows once it is sent.</summary>
    public IReadOnlyList<GossipAction> Leave()
    {
        EnsureStarted();
        if (_left)
        {
            return Flush();
        }
        _left = true;
        if (_probe is { } round)
        {
            StopProbe(round);
        }
        DeadNode(new DeadMessage(Self.Incarnation, Name, Name));
        if (!_nodes.Any(member => member.Name != Name && !member.DeadOrLeft))
        {
            LeaveBroadcastFinished();
        }
        return Flush();
    }

    /// <summary>
    /// Serf's force-leave: a failed member is declared left, here and (by gossip) everywhere, so it is not
    /// reconnected to or reported as failed. Returns false when the member is unknown or not failed; an alive
    /// member cannot be forced out (it would refute).
    /// </summary>
    public bool ForceLeave(string name, out IReadOnlyList<GossipAction> actions)
    {
        EnsureStarted();
        var failed = _members.TryGetValue(name, out var member) && member.State == MemberState.Dead && name != Name;
        if (failed && member!.Retired)
        {
            // Already out of the protocol here: only our listing changes, and the news goes to whoever still cares.
            member.State = MemberState.Left;
            member.StateChange = Now;
            Broadcast(name, new DeadMessage(member.Incarnation, name, name));
            Notify(MemberEventKind.Left, member);
        }
        else if (failed)
        {
            DeadNode(new DeadMessage(member!.Incarnation, name, name));
        }
        actions = Flush();
        return failed;
    }

    private void LeaveBroadcastFinished()
    {
        if (!_leaveFinished)
        {
            _leaveFinished = true;
            _outbox.Add(new LeaveFinished());
        }
    }
}
