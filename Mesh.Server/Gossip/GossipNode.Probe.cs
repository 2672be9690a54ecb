using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>
/// Failure detection: one member per probe interval in shuffled round-robin order, a direct ping, then
/// ping-req through IndirectChecks members plus a stream ping, then suspicion.
/// </summary>
public sealed partial class GossipNode
{
    private readonly Dictionary<uint, Relay> _relays = [];
    private ProbeRound? _probe;
    private int _probeIndex;
    private uint _sequence;

    private void ProbeTick()
    {
        if (_left)
        {
            return;
        }
        var interval = ScaleByHealth(_options.ProbeInterval);
        ProbeNext(interval);
        // Scheduled after the round's own timers so a round always ends before the next begins.
        _timers.Schedule(Now + interval, ProbeTick);
    }

    private void ProbeNext(TimeSpan interval)
    {
        for (var checks = 0; checks < _nodes.Count;)
        {
            if (_probeIndex >= _nodes.Count)
            {
                ResetNodes();
                _probeIndex = 0;
                checks++;
                continue;
            }
            var member = _nodes[_probeIndex++];
            if (member.Name == Name || member.DeadOrLeft)
            {
                checks++;
                continue;
            }
            ProbeMember(member, interval);
            return;
        }
    }

    private void ProbeMember(MemberRecord target, TimeSpan interval)
    {
        var ping = new PingMessage(NextSequence(), target.Name, Name, Address);
        var round = new ProbeRound(ping, target.Address, target.Incarnation, Now, Now + interval);
        _probe = round;
        if (target.State == MemberState.Alive)
        {
            Send(target.Address, ping);
        }
        else
        {
            // Buddy system: a suspect hears of its suspicion directly, so it can refute at once.
            var suspect = new SuspectMessage(target.Incarnation, target.Name, Name);
            SendPacket(target.Address, [MessageCodec.Encode(ping), MessageCodec.Encode(suspect)]);
        }
        round.Timers.Add(_timers.Schedule(Now + ScaleByHealth(_options.ProbeTimeout), () => ProbeIndirect(round)));
        round.Timers.Add(_timers.Schedule(round.Deadline, () => ProbeExpired(round)));
    }

    private void ProbeIndirect(ProbeRound round)
    {
        var relays = RandomMembers(_options.IndirectChecks, member =>
            member.Name == Name || member.Name == round.Ping.Target || member.State != MemberState.Alive);
        var request = new PingReqMessage(round.Ping.SeqNo, round.Ping.Target, round.TargetAddress, WantNack: true, Name, Address);
        foreach (var relay in relays)
        {
            Send(relay.Address, request);
            round.ExpectedNacks++;
        }
        if (_options.StreamFallbackProbe)
        {
            OpenStream(new PendingStream(round.TargetAddress, Probe: round), MessageCodec.Frame(round.Ping), round.Deadline - Now);
        }
    }

    private void ProbeExpired(ProbeRound round)
    {
        StopProbe(round);
        _observer.ProbeFinished(round.Ping.Target, Now - round.Started, acked: false);
        // Lifeguard: missing nacks mean our own links or process are the problem, not only the target.
        ApplyAwareness(round.ExpectedNacks > 0 ? Math.Max(0, round.ExpectedNacks - round.Nacks) : 1);
        SuspectNode(new SuspectMessage(round.Incarnation, round.Ping.Target, Name));
    }

    private void ProbeAcked(ProbeRound round)
    {
        StopProbe(round);
        _observer.ProbeFinished(round.Ping.Target, Now - round.Started, acked: true);
        ApplyAwareness(-1);
    }

    private void StopProbe(ProbeRound round)
    {
        round.Done = true;
        foreach (var timer in round.Timers)
        {
            timer.Cancel();
        }
        if (_probe == round)
        {
            _probe = null;
        }
    }

    private void HandlePing(PingMessage ping)
    {
        if (ping.Target != Name)
        {
            Dropped(DropReason.WrongTarget);
            return;
        }
        Send(ping.SourceAddress, new AckMessage(ping.SeqNo));
    }

    private void HandlePingReq(PingReqMessage request)
    {
        var relay = new Relay(request.SeqNo, request.SourceAddress);
        var seq = NextSequence();
        _relays[seq] = relay;
        Send(request.TargetAddress, new PingMessage(seq, request.Target, Name, Address));
        // Lifeguard nacks at 80% of the probe timeout so the nack reaches the prober before its round ends.
        if (request.WantNack)
        {
            relay.Timers.Add(_timers.Schedule(Now + _options.ProbeTimeout * 0.8, () => Send(relay.Origin, new NackMessage(relay.OriginSeq))));
        }
        relay.Timers.Add(_timers.Schedule(Now + _options.ProbeTimeout, () => _relays.Remove(seq)));
    }

    private void HandleAck(uint seq)
    {
        if (_probe is { Done: false } round && round.Ping.SeqNo == seq)
        {
            ProbeAcked(round);
        }
        else if (_relays.Remove(seq, out var relay))
        {
            foreach (var timer in relay.Timers)
            {
                timer.Cancel();
            }
            Send(relay.Origin, new AckMessage(relay.OriginSeq));
        }
    }

    private void HandleNack(uint seq)
    {
        if (_probe is { Done: false } round && round.Ping.SeqNo == seq)
        {
            round.Nacks++;
        }
    }

    private sealed class ProbeRound(PingMessage ping, IPEndPoint targetAddress, uint incarnation, TimeSpan started, TimeSpan deadline)
    {
        public PingMessage Ping { get; } = ping;

        public IPEndPoint TargetAddress { get; } = targetAddress;

        /// <summary>The target's incarnation when the round began: a suspicion names that one.</summary>
        public uint Incarnation { get; } = incarnation;

        public TimeSpan Started { get; } = started;

        public TimeSpan Deadline { get; } = deadline;

        public List<TimerQueue.Entry> Timers { get; } = [];

        public int ExpectedNacks { get; set; }

        public int Nacks { get; set; }

        public bool Done { get; set; }
    }

    /// <summary>A ping-req we are relaying: forward the target's ack, or nack when it does not come.</summary>
    private sealed class Relay(uint originSeq, IPEndPoint origin)
    {
        public uint OriginSeq { get; } = originSeq;

        public IPEndPoint Origin { get; } = origin;

        public List<TimerQueue.Entry> Timers { get; } = [];
    }
}
