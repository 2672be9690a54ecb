namespace Mesh.Server.Gossip;

/// <summary>
/// Serf's queries: a question gossiped to every member, each of which answers the asking member directly (UDP, or a
/// stream when the answer does not fit a packet, optionally relayed through other members as well); the asker
/// collects answers until every member alive at the start answered or the timeout passed.
/// </summary>
public sealed partial class GossipNode
{
    /// <summary>The largest answer payload (its length travels in two bytes).</summary>
    public const int MaxQueryResponseSize = ushort.MaxValue;

    private readonly Dictionary<uint, PendingQuery> _queries = [];
    private readonly HashSet<(string Origin, uint Id)> _seenQueries = [];
    private uint _queryId;

    /// <summary>Queries of this node still collecting answers.</summary>
    public int PendingQueries => _queries.Count;

    /// <summary>
    /// Starts query <paramref name="name"/> and returns its id. The actions include an <see cref="AnswerQuery"/> for this
    /// member itself; <see cref="QueryResponseReceived"/> follows for each answer and <see cref="QueryFinished"/> once.
    /// Throws <see cref="ArgumentException"/> when the query cannot fit a packet or a parameter is out of range.
    /// </summary>
    public uint Query(string name, ReadOnlySpan<byte> payload, GossipQueryParameters parameters, out IReadOnlyList<GossipAction> actions)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        EnsureStarted();
        if (_left)
        {
            throw new InvalidOperationException("gossip: the node has left");
        }
        var length = System.Text.Encoding.UTF8.GetByteCount(name);
        if (length is 0 or > byte.MaxValue)
        {
            throw new ArgumentException($"gossip: a query name must be 1 to {byte.MaxValue} bytes", nameof(name));
        }
        if (parameters.RelayFactor is < 0 or > MessageCodec.MaxRelayFactor)
        {
            throw new ArgumentException($"gossip: the relay factor must be 0 to {MessageCodec.MaxRelayFactor}", nameof(parameters));
        }
        var timeout = parameters.Timeout ?? GossipMath.QueryTimeout(_options.GossipInterval, _options.QueryTimeoutMult, _nodes.Count);
        if (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > MessageCodec.MaxQueryTimeoutMs)
        {
            throw new ArgumentException($"gossip: a query timeout must be positive and at most {MessageCodec.MaxQueryTimeoutMs / 60_000} minutes", nameof(parameters));
        }
        if (payload.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"gossip: a query of {payload.Length} bytes does not fit a packet", nameof(payload));
        }
        var query = new QueryMessage(NextQueryId(), name, Name, Address, (uint)Math.Ceiling(timeout.TotalMilliseconds), (byte)parameters.RelayFactor, payload.ToArray());
        var encoded = MessageCodec.Encode(query);
        var limit = PacketBudget - MessageCodec.CompoundHeaderOverhead - MessageCodec.CompoundPartOverhead;
        if (encoded.Length > limit)
        {
            throw new ArgumentException($"gossip: a query of {encoded.Length} bytes does not fit a packet (at most {limit})", nameof(payload));
        }
        var pending = new PendingQuery(query.Id, _nodes.Count(member => member.State is MemberState.Alive or MemberState.Suspect));
        _queries[query.Id] = pending;
        pending.Timer = _timers.Schedule(Now + timeout, () => FinishQuery(pending));
        ReceiveQuery(query);
        actions = Flush();
        return query.Id;
    }

    /// <summary>
    /// Answers a query this member received (<see cref="AnswerQuery"/>). An answer after the query's timeout is not
    /// sent, as in Serf; neither is one from a member that has left.
    /// </summary>
    public IReadOnlyList<GossipAction> RespondToQuery(GossipQuery query, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(query);
        EnsureStarted();
        if (payload.Length > MaxQueryResponseSize)
        {
            throw new ArgumentException($"gossip: a query response holds at most {MaxQueryResponseSize} bytes", nameof(payload));
        }
        if (Now > query.Deadline || _left)
        {
            return Flush();
        }
        var response = new QueryResponseMessage(query.Id, Name, payload.ToArray());
        if (query.Origin == Name)
        {
            ReceiveQueryResponse(response);
            return Flush();
        }
        // The version byte comes on top of the message in a packet.
        if (MessageCodec.Encode(response).Length + 1 > PacketBudget)
        {
            OpenStream(new PendingStream(query.OriginAddress, QueryResponse: true), MessageCodec.Frame(response), _options.StreamTimeout);
            return Flush();
        }
        Send(query.OriginAddress, response);
        var relay = new RelayMessage(query.OriginAddress, response);
        if (query.RelayFactor > 0 && MessageCodec.Encode(relay).Length + 1 <= PacketBudget)
        {
            var relays = RandomMembers(query.RelayFactor, member =>
                member.Name == Name || member.Name == query.Origin || member.State != MemberState.Alive);
            foreach (var member in relays)
            {
                Send(member.Address, relay);
            }
        }
        return Flush();
    }

    /// <summary>A query seen for the first time is gossiped on and handed to the host; repeats are ignored.</summary>
    private void ReceiveQuery(QueryMessage query)
    {
        if (_left)
        {
            return;
        }
        var key = (query.Origin, query.Id);
        if (!_seenQueries.Add(key))
        {
            return;
        }
        var deadline = Now + TimeSpan.FromMilliseconds(query.TimeoutMs);
        // Copies still gossiped after the timeout find it forgotten, but can no longer be answered either.
        _timers.Schedule(deadline, () => _seenQueries.Remove(key));
        _broadcasts.Enqueue(null, MessageCodec.Encode(query));
        _outbox.Add(new AnswerQuery(new GossipQuery(query, deadline)));
    }

    private void ReceiveQueryResponse(QueryResponseMessage response)
    {
        if (!_queries.TryGetValue(response.Id, out var pending) || !pending.Answered.Add(response.From))
        {
            return;
        }
        _outbox.Add(new QueryResponseReceived(response.Id, response.From, response.Payload));
        if (pending.Answered.Count >= pending.Expected)
        {
            FinishQuery(pending);
        }
    }

    private void FinishQuery(PendingQuery pending)
    {
        if (!_queries.Remove(pending.Id))
        {
            return;
        }
        pending.Timer?.Cancel();
        _outbox.Add(new QueryFinished(pending.Id, pending.Expected, pending.Answered.Count));
    }

    // Ids start from the clock, not the random source, so that a restarted member does not reuse its old ids and
    // the simulator's random sequence is the same with or without queries.
    private uint NextQueryId()
    {
        if (_queryId == 0)
        {
            _queryId = (uint)_time.GetUtcNow().ToUnixTimeMilliseconds();
        }
        return ++_queryId;
    }

    /// <summary>One of this node's queries: who answered so far, out of how many were alive at its start.</summary>
    private sealed class PendingQuery(uint id, int expected)
    {
        public uint Id { get; } = id;

        public int Expected { get; } = expected;

        public HashSet<string> Answered { get; } = new(StringComparer.Ordinal);

        public TimerQueue.Entry? Timer { get; set; }
    }
}

/// <summary>How a query is asked.</summary>
public sealed record GossipQueryParameters
{
    /// <summary>How long answers are collected; by default GossipInterval * QueryTimeoutMult * ceil(log10(N + 1)).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Each member also sends its answer through this many other members (0 to 5), against packet loss.</summary>
    public int RelayFactor { get; init; }
}
