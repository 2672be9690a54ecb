using System.Net;
using System.Text;

namespace Mesh.Server.Gossip;

/// <summary>
/// The SWIM + Lifeguard protocol core of one member, after hashicorp/memberlist. It owns no threads, sockets or
/// timers: the host feeds it inputs (<see cref="Tick"/>, packets, streams, join, leave) and performs the actions
/// each input returns. Time comes from the injected <see cref="TimeProvider"/> and randomness from the injected
/// <see cref="Random"/>, so a simulator can run many members deterministically in virtual time.
/// Not thread-safe: the host serializes calls.
/// </summary>
public sealed partial class GossipNode
{
    private readonly GossipOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly IGossipObserver _observer;
    private readonly long _origin;
    private readonly TimerQueue _timers = new();
    private readonly Dictionary<string, MemberRecord> _members = new(StringComparer.Ordinal);
    private List<GossipAction> _outbox = [];
    private readonly MemberMetadata _initialMetadata;
    private bool _started;

    public GossipNode(
        string name,
        IPEndPoint address,
        IEnumerable<KeyValuePair<string, string>>? metadata = null,
        GossipOptions? options = null,
        TimeProvider? time = null,
        Random? random = null,
        IGossipObserver? observer = null)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(address);
        if (address.Port == 0)
        {
            throw new ArgumentException("gossip: the advertised port must not be 0", nameof(address));
        }
        _options = options ?? new GossipOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _random = random ?? new Random();
        _observer = observer ?? NullObserver.Instance;
        _origin = _time.GetTimestamp();
        _initialMetadata = MemberMetadata.From(metadata ?? []);
        Name = name;
        Address = address;
    }

    public string Name { get; }

    /// <summary>The address other members reach this one at (UDP and TCP share the port).</summary>
    public IPEndPoint Address { get; }

    public GossipOptions Options => _options;

    public MemberMetadata Metadata => Self.Metadata;

    public uint Incarnation => Self.Incarnation;

    /// <summary>How many members the formulas count: everyone not yet forgotten, including recently dead.</summary>
    public int EstimatedMembers => _nodes.Count;

    /// <summary>Every member this node knows, itself included, ordered by name.</summary>
    public IReadOnlyList<Member> Members() =>
        [.. _members.Values.OrderBy(member => member.Name, StringComparer.Ordinal).Select(member => member.Snapshot())];

    /// <summary>How many known members are in <paramref name="state"/>, itself included.</summary>
    public int CountMembers(MemberState state) => _members.Values.Count(member => member.State == state);

    public Member? Find(string name) => _members.TryGetValue(name, out var member) ? member.Snapshot() : null;

    /// <summary>When <see cref="Tick"/> should next be called; null before <see cref="Start"/>.</summary>
    public TimeSpan? TimeUntilNextTimer
    {
        get
        {
            // One reading of the clock: a second one could pass the deadline and make the wait negative.
            var due = _timers.NextDue;
            var now = Now;
            return due is null ? null : due.Value > now ? due.Value - now : TimeSpan.Zero;
        }
    }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    private MemberRecord Self => _members[Name];

    /// <summary>Declares this member alive and starts the probe, gossip and push-pull timers.</summary>
    public IReadOnlyList<GossipAction> Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("gossip: the node is already started");
        }
        _started = true;
        AliveNode(new AliveMessage(NextIncarnation(), Name, Address, _initialMetadata), bootstrap: true);
        // Random stagger so members started together do not probe and gossip in lockstep.
        _timers.Schedule(Now + Stagger(_options.ProbeInterval), ProbeTick);
        _timers.Schedule(Now + Stagger(_options.GossipInterval), GossipTick);
        if (_options.PushPullInterval > TimeSpan.Zero)
        {
            _timers.Schedule(Now + Stagger(_options.PushPullInterval), PushPullTick);
        }
        return Flush();
    }

    /// <summary>Runs the timers that are due.</summary>
    public IReadOnlyList<GossipAction> Tick()
    {
        EnsureStarted();
        return Flush();
    }

    /// <summary>Announces new metadata with a new incarnation (memberlist's UpdateNode).</summary>
    public IReadOnlyList<GossipAction> UpdateMetadata(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        EnsureStarted();
        if (_left)
        {
            throw new InvalidOperationException("gossip: the node has left");
        }
        var validated = MemberMetadata.From(metadata);
        AliveNode(new AliveMessage(NextIncarnation(), Name, Self.Address, validated), bootstrap: true);
        return Flush();
    }

    private void EnsureStarted()
    {
        if (!_started)
        {
            throw new InvalidOperationException("gossip: call Start first");
        }
        _timers.RunDue(Now);
    }

    private IReadOnlyList<GossipAction> Flush()
    {
        var actions = _outbox;
        _outbox = [];
        return actions;
    }

    private uint NextIncarnation() => ++_incarnation;

    private uint NextSequence() => ++_sequence;

    private TimeSpan Stagger(TimeSpan interval) => TimeSpan.FromTicks(_random.NextInt64(interval.Ticks));

    private void Notify(MemberEventKind kind, MemberRecord member) =>
        _outbox.Add(new NotifyMember(new MemberEvent(kind, member.Snapshot())));

    private void Dropped(DropReason reason) => _observer.PacketDropped(reason);

    internal static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var length = Encoding.UTF8.GetByteCount(name);
        if (length is 0 or > byte.MaxValue)
        {
            throw new ArgumentException($"gossip: node name must be 1 to {byte.MaxValue} bytes", nameof(name));
        }
    }

    private sealed class NullObserver : IGossipObserver
    {
        public static readonly NullObserver Instance = new();
    }
}
