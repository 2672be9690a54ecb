using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>Full state exchange over a stream: on join, and periodically as anti-entropy.</summary>
public sealed partial class GossipNode
{
    private readonly Dictionary<long, PendingStream> _streams = [];
    private long _streamIds;

    /// <summary>Starts a push-pull join with each address; each ends with a <see cref="JoinFinished"/> action.</summary>
    public IReadOnlyList<GossipAction> Join(IEnumerable<IPEndPoint> addresses)
    {
        EnsureStarted();
        foreach (var address in addresses)
        {
            OpenStream(new PendingStream(address, Join: true), LocalState(join: true), _options.StreamTimeout);
        }
        return Flush();
    }

    /// <summary>
    /// Answers a stream someone opened to us: a stream ping gets an ack, a push-pull gets our state, a query response
    /// (too large for a packet) an ack.
    /// </summary>
    public StreamReply ReceiveStream(ReadOnlySpan<byte> request, IPEndPoint from)
    {
        EnsureStarted();
        byte[]? reply = null;
        GossipMessage? message = null;
        var error = request.Length > _options.MaxStreamSize
            ? DropReason.Oversized
            : MessageCodec.DecodeStream(request, out message);
        if (error is not null)
        {
            Dropped(error.Value);
            return new StreamReply(null, Flush());
        }
        switch (message)
        {
            case PingMessage ping when ping.Target == Name:
                reply = MessageCodec.Frame(new AckMessage(ping.SeqNo));
                break;
            case PingMessage:
                Dropped(DropReason.WrongTarget);
                break;
            case PushPullMessage pushPull:
                reply = LocalState(pushPull.Join);
                MergeState(pushPull.Nodes);
                break;
            case QueryResponseMessage response:
                ReceiveQueryResponse(response);
                reply = MessageCodec.Frame(new AckMessage(response.Id));
                break;
            default:
                Dropped(DropReason.Malformed);
                break;
        }
        return new StreamReply(reply, Flush());
    }

    /// <summary>The reply of a stream opened by an <see cref="OpenStream"/> action arrived.</summary>
    public IReadOnlyList<GossipAction> StreamCompleted(long streamId, ReadOnlySpan<byte> reply)
    {
        EnsureStarted();
        if (!_streams.Remove(streamId, out var pending))
        {
            return Flush();
        }
        GossipMessage? message = null;
        var error = reply.Length > _options.MaxStreamSize ? DropReason.Oversized : MessageCodec.DecodeStream(reply, out message);
        if (error is not null)
        {
            Dropped(error.Value);
            FailStream(pending, $"the reply was dropped ({error})");
            return Flush();
        }
        switch (message)
        {
            case AckMessage ack when pending.Probe is { Done: false } round && round.Ping.SeqNo == ack.SeqNo:
                ProbeAcked(round);
                break;
            case AckMessage when pending.QueryResponse:
                break;
            case PushPullMessage pushPull when pending is { Probe: null, QueryResponse: false }:
                MergeState(pushPull.Nodes);
                if (pending.Join)
                {
                    _outbox.Add(new JoinFinished(streamId, pending.To, Succeeded: true, Error: null));
                }
                break;
            default:
                FailStream(pending, "the reply did not answer the request");
                break;
        }
        return Flush();
    }

    /// <summary>A stream opened by an <see cref="OpenStream"/> action failed or timed out.</summary>
    public IReadOnlyList<GossipAction> StreamFailed(long streamId, string error)
    {
        EnsureStarted();
        if (_streams.Remove(streamId, out var pending))
        {
            FailStream(pending, error);
        }
        return Flush();
    }

    private void FailStream(PendingStream pending, string error)
    {
        if (pending.Join)
        {
            _outbox.Add(new JoinFinished(pending.Id, pending.To, Succeeded: false, Error: error));
        }
    }

    private void PushPullTick()
    {
        _timers.Schedule(Now + GossipMath.PushPullScale(_options.PushPullInterval, _nodes.Count), PushPullTick);
        if (_left)
        {
            return;
        }
        var peer = RandomMembers(1, member => member.Name == Name || member.State != MemberState.Alive);
        if (peer.Count == 1)
        {
            OpenStream(new PendingStream(peer[0].Address), LocalState(join: false), _options.StreamTimeout);
        }
    }

    private void OpenStream(PendingStream pending, byte[] request, TimeSpan timeout)
    {
        pending.Id = ++_streamIds;
        _streams[pending.Id] = pending;
        _outbox.Add(new OpenStream(pending.Id, pending.To, request, timeout));
    }

    private byte[] LocalState(bool join) =>
        MessageCodec.Frame(new PushPullMessage(
            join,
            [.. _nodes.Select(member => new PushNodeState(member.Name, member.Address, member.Metadata, member.Incarnation, member.State))]));

    /// <summary>memberlist's mergeState: remote alive is an alive notice, left a leave, dead or suspect a suspicion.</summary>
    private void MergeState(IReadOnlyList<PushNodeState> remote)
    {
        foreach (var member in remote)
        {
            switch (member.State)
            {
                case MemberState.Alive:
                    AliveNode(new AliveMessage(member.Incarnation, member.Name, member.Address, member.Metadata), bootstrap: false);
                    break;
                case MemberState.Left:
                    DeadNode(new DeadMessage(member.Incarnation, member.Name, member.Name));
                    break;
                default:
                    SuspectNode(new SuspectMessage(member.Incarnation, member.Name, Name));
                    break;
            }
        }
    }

    /// <summary>What an open stream was for: a probe's fallback ping, a push-pull (a join's or periodic), or a query response.</summary>
    private sealed record PendingStream(IPEndPoint To, bool Join = false, ProbeRound? Probe = null, bool QueryResponse = false)
    {
        public long Id { get; set; }
    }
}

/// <summary>The answer to an incoming stream: the frame to write back (if any) and the actions it caused.</summary>
public sealed record StreamReply(byte[]? Reply, IReadOnlyList<GossipAction> Actions);
