using System.Net;
using Mesh.Server.Gossip;

namespace Mesh.Gossip.Simulation;

/// <summary>
/// A deterministic discrete-event simulation of a gossip pool: every member runs the real <see cref="GossipNode"/>
/// on one virtual clock; packets get a random latency and may be lost; streams behave like TCP (reliable, slower
/// on loss, refused by dead processes, stalled by paused ones). The same seed gives the same run.
/// </summary>
public sealed class SimNetwork
{
    private readonly PriorityQueue<Action, (TimeSpan At, long Order)> _events = new();
    private readonly Dictionary<IPEndPoint, SimMember> _byAddress = [];
    private readonly Random _random;
    private readonly GossipOptions _options;
    private long _order;

    public SimNetwork(int seed, GossipOptions? options = null)
    {
        _random = new Random(seed);
        _options = options ?? new GossipOptions();
    }

    public SimClock Clock { get; } = new();

    public TimeSpan Now => Clock.Now;

    public List<SimMember> Members { get; } = [];

    /// <summary>Probability that one datagram is lost.</summary>
    public double PacketLoss { get; set; }

    public TimeSpan MinLatency { get; set; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan MaxLatency { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Called for every member event with the member that observed it.</summary>
    public Action<SimMember, MemberEvent>? OnEvent { get; set; }

    /// <summary>A member's answer to a query it received (null: no answer); it is sent as the member's next input.</summary>
    public Func<SimMember, GossipQuery, byte[]?>? QueryHandler { get; set; }

    /// <summary>Called for every answer and end of a query, with the member that asked it.</summary>
    public Action<SimMember, GossipAction>? OnQueryAction { get; set; }

    /// <summary>Called for every user event a member delivers, with that member.</summary>
    public Action<SimMember, GossipUserEvent>? OnUserEvent { get; set; }

    public long PacketsSent { get; private set; }

    public long BytesSent { get; private set; }

    /// <summary>Bytes written on streams (push-pull and fallback probes), requests and replies, like TCP payload.</summary>
    public long StreamBytesSent { get; private set; }

    /// <summary>The metadata members started by <see cref="AddMember"/> without their own carry.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string> { ["role"] = "node", ["dc"] = "dc1" };

    public IEnumerable<SimMember> Live => Members.Where(member => member.Up);

    public SimMember AddMember(IReadOnlyDictionary<string, string>? metadata = null)
    {
        var index = Members.Count;
        var address = new IPEndPoint(new IPAddress([10, 0, (byte)(index / 250), (byte)(index % 250 + 1)]), GossipOptions.DefaultPort);
        return Launch($"node-{index:D4}", address, metadata, index);
    }

    /// <summary>A killed member's process starts again: same name and address, fresh state.</summary>
    public SimMember Restart(SimMember old)
    {
        var index = Members.IndexOf(old);
        return Launch(old.Name, old.Address, null, index);
    }

    private SimMember Launch(string name, IPEndPoint address, IReadOnlyDictionary<string, string>? metadata, int index)
    {
        var observer = new SimObserver();
        var core = new GossipNode(
            name,
            address,
            metadata ?? Metadata,
            _options,
            Clock,
            new Random(_random.Next()),
            observer);
        var member = new SimMember(core, observer);
        if (index < Members.Count)
        {
            Members[index] = member;
        }
        else
        {
            Members.Add(member);
        }
        _byAddress[address] = member;
        Apply(member, core.Start());
        return member;
    }

    /// <summary>Starts <paramref name="count"/> members, each joining a random earlier one, and waits until everyone knows everyone.</summary>
    public void Bootstrap(int count, TimeSpan joinSpacing, TimeSpan limit)
    {
        AddMember();
        for (var i = 1; i < count; i++)
        {
            RunFor(joinSpacing);
            var joiner = AddMember();
            Join(joiner, Members[_random.Next(i)]);
        }
        if (!RunUntil(() => Converged(count), limit, TimeSpan.FromMilliseconds(250)))
        {
            throw new InvalidOperationException($"{count} members did not converge within {limit}");
        }
    }

    public bool Converged(int count) =>
        Live.All(member => member.Core.CountMembers(MemberState.Alive) == count);

    public void Join(SimMember joiner, SimMember via) => Apply(joiner, joiner.Core.Join([via.Address]));

    public void Kill(SimMember member) => member.Up = false;

    public void Pause(SimMember member, TimeSpan duration) => member.PausedUntil = Now + duration;

    public void RunFor(TimeSpan duration) => RunUntil(() => false, duration);

    /// <summary>Runs events until <paramref name="condition"/> holds (checked every 10 ms of virtual time) or the limit passes.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit, TimeSpan? checkEvery = null)
    {
        var end = Now + limit;
        var step = checkEvery ?? TimeSpan.FromMilliseconds(10);
        while (true)
        {
            if (condition())
            {
                return true;
            }
            var checkAt = Now + step < end ? Now + step : end;
            while (_events.TryPeek(out var action, out var key) && key.At <= checkAt)
            {
                _events.Dequeue();
                Clock.Now = key.At;
                action();
            }
            Clock.Now = checkAt;
            if (Now >= end)
            {
                return condition();
            }
        }
    }

    private void Schedule(TimeSpan at, Action action) => _events.Enqueue(action, (at, _order++));

    /// <summary>Runs <paramref name="input"/> on <paramref name="member"/> when it can: not before a pause ends, after its processing delay.</summary>
    private void Deliver(SimMember member, TimeSpan at, Action input)
    {
        Schedule(at, () =>
        {
            if (!member.Up)
            {
                return;
            }
            if (member.PausedUntil > Now)
            {
                Deliver(member, member.PausedUntil, input);
                return;
            }
            if (member.ProcessingDelay > TimeSpan.Zero)
            {
                var delay = member.ProcessingDelay;
                Schedule(Now + delay, () =>
                {
                    if (member.Up)
                    {
                        input();
                    }
                });
                return;
            }
            input();
        });
    }

    private TimeSpan Latency() => MinLatency + (MaxLatency - MinLatency) * _random.NextDouble();

    /// <summary>Performs the actions a member's core returned (tests use it after calling the core directly).</summary>
    public void Apply(SimMember member, IReadOnlyList<GossipAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case SendPacket packet:
                    SendPacket(member, packet);
                    break;
                case OpenStream stream:
                    OpenStream(member, stream);
                    break;
                case NotifyMember notify:
                    OnEvent?.Invoke(member, notify.Event);
                    break;
                case AnswerQuery answer when QueryHandler?.Invoke(member, answer.Query) is { } response:
                    Deliver(member, Now, () => Apply(member, member.Core.RespondToQuery(answer.Query, response)));
                    break;
                case QueryResponseReceived or QueryFinished:
                    OnQueryAction?.Invoke(member, action);
                    break;
                case DeliverUserEvent delivered:
                    OnUserEvent?.Invoke(member, delivered.Event);
                    break;
            }
        }
        Reschedule(member);
    }

    private void SendPacket(SimMember from, SendPacket packet)
    {
        PacketsSent++;
        BytesSent += packet.Payload.Length;
        if (_random.NextDouble() < PacketLoss || !_byAddress.TryGetValue(packet.To, out var to))
        {
            return;
        }
        Deliver(to, Now + Latency(), () => Apply(to, to.Core.ReceivePacket(packet.Payload, from.Address)));
    }

    /// <summary>TCP-like: a lost segment costs a retransmission timeout instead of the data.</summary>
    private TimeSpan StreamLatency() =>
        Latency() + (_random.NextDouble() < PacketLoss ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero);

    private void OpenStream(SimMember from, OpenStream stream)
    {
        var completed = false;
        // The opener learns the outcome like any other input: after its pause and processing delay.
        void Finish(TimeSpan at, Func<IReadOnlyList<GossipAction>> outcome) => Deliver(from, at, () =>
        {
            if (!completed)
            {
                completed = true;
                Apply(from, outcome());
            }
        });
        Finish(Now + stream.Timeout, () => from.Core.StreamFailed(stream.StreamId, "i/o timeout"));
        if (!_byAddress.TryGetValue(stream.To, out var to) || !to.Up)
        {
            // A dead process's port refuses the connection at once.
            Finish(Now + Latency(), () => from.Core.StreamFailed(stream.StreamId, "connection refused"));
            return;
        }
        StreamBytesSent += stream.Request.Length;
        Deliver(to, Now + StreamLatency(), () =>
        {
            var reply = to.Core.ReceiveStream(stream.Request, from.Address);
            Apply(to, reply.Actions);
            if (reply.Reply is { } bytes)
            {
                StreamBytesSent += bytes.Length;
                Finish(Now + StreamLatency(), () => from.Core.StreamCompleted(stream.StreamId, bytes));
            }
        });
    }

    private void Reschedule(SimMember member)
    {
        if (member.Core.TimeUntilNextTimer is not { } wait)
        {
            return;
        }
        var due = Now + wait;
        if (due >= member.ScheduledTick)
        {
            return;
        }
        member.ScheduledTick = due;
        Schedule(due, () =>
        {
            if (member.ScheduledTick != due)
            {
                return;
            }
            member.ScheduledTick = TimeSpan.MaxValue;
            if (!member.Up)
            {
                return;
            }
            if (member.PausedUntil > Now)
            {
                member.ScheduledTick = member.PausedUntil;
                var resume = member.PausedUntil;
                Schedule(resume, () => Tick(member, resume));
                return;
            }
            Apply(member, member.Core.Tick());
        });
    }

    private void Tick(SimMember member, TimeSpan due)
    {
        if (member.ScheduledTick != due || !member.Up)
        {
            return;
        }
        member.ScheduledTick = TimeSpan.MaxValue;
        Apply(member, member.Core.Tick());
    }
}
