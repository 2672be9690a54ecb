namespace Mesh.Server.Gossip;

/// <summary>Suspecting members, with Lifeguard's confirmation-shortened timeouts.</summary>
public sealed partial class GossipNode
{
    private void SuspectNode(SuspectMessage suspect)
    {
        if (!_members.TryGetValue(suspect.Node, out var member) || member.Retired || suspect.Incarnation < member.Incarnation)
        {
            return;
        }
        if (member.Suspicion is { } suspicion)
        {
            // An independent confirmation shortens the timeout; re-gossip it so others count it too.
            if (suspicion.Confirm(suspect.From, Now))
            {
                Broadcast(suspect.Node, suspect);
                ScheduleSuspicion(member, suspicion);
            }
            return;
        }
        if (member.State != MemberState.Alive)
        {
            return;
        }
        if (suspect.Node == Name)
        {
            Refute(member, suspect.Incarnation);
            return;
        }
        Broadcast(suspect.Node, suspect);
        member.Incarnation = suspect.Incarnation;
        member.State = MemberState.Suspect;
        member.StateChange = Now;
        _observer.SuspicionStarted(member.Name);
        Notify(MemberEventKind.Suspected, member);

        var needed = _options.SuspicionMult - 2;
        var members = _nodes.Count;
        if (members - 2 < needed)
        {
            needed = 0;
        }
        var min = GossipMath.SuspicionTimeout(_options.SuspicionMult, members, _options.ProbeInterval);
        var max = min * _options.SuspicionMaxTimeoutMult;
        var created = new Suspicion(suspect.From, needed, min, max, Now);
        member.Suspicion = created;
        ScheduleSuspicion(member, created);
    }

    private void ScheduleSuspicion(MemberRecord member, Suspicion suspicion)
    {
        suspicion.Timer?.Cancel();
        var since = member.StateChange;
        suspicion.Timer = _timers.Schedule(suspicion.Deadline, () => SuspicionExpired(member, since));
    }

    private void SuspicionExpired(MemberRecord member, TimeSpan since)
    {
        if (member.State == MemberState.Suspect && member.StateChange == since && !member.Retired)
        {
            DeadNode(new DeadMessage(member.Incarnation, member.Name, Name));
        }
    }

    private static void CancelSuspicion(MemberRecord member)
    {
        member.Suspicion?.Timer?.Cancel();
        member.Suspicion = null;
    }
}
