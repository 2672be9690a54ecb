using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Transport;

namespace Mesh.Server.Tests.Consensus.Transport;

/// <summary>The transport between real Kestrel endpoints on 127.0.0.1: order, reconnection, isolation, bad input.</summary>
public sealed class GrpcRaftTransportTests : IAsyncLifetime
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);
    private readonly TransportCounters _counters = new();
    private readonly List<IAsyncDisposable> _resources = [];
    private GrpcRaftTransport _transport = null!;

    public Task InitializeAsync()
    {
        _transport = Own(new GrpcRaftTransport(TimeProvider.System, WriteTimeout, _counters.Factory));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var resource in Enumerable.Reverse(_resources))
        {
            await resource.DisposeAsync();
        }
        _counters.Dispose();
    }

    [Fact]
    public async Task Messages_of_every_kind_arrive_in_order_on_one_stream()
    {
        var endpoint = Own(await RaftEndpoint.StartAsync());
        var snapshot = new SnapshotMetadata(900, 2, new ClusterConfiguration([new RaftMember("a", "h:1", MemberRole.Voter)]));
        var messages = Enumerable.Range(0, 3000).Select(i => (RaftMessage)(i % 1000 == 500
            ? new SnapshotRequest("a", "b", 2, snapshot, i, new byte[1 << 20], Last: false)
            : i % 2 == 0
                ? new AppendRequest("a", "b", 2, (ulong)i, 2, [new LogEntry((ulong)i + 1, 2, EntryKind.Command, new byte[100])], (ulong)i, (ulong)i)
                : new HeartbeatRequest("a", "b", 2, (ulong)i, (ulong)i))).ToList();

        foreach (var message in messages)
        {
            _transport.Send(endpoint.Address, message);
        }

        await Eventually.TrueAsync(() => endpoint.Received.Count >= messages.Count, "3000 messages arrive");
        RaftMessageAssert.Equal(messages, endpoint.Received.Messages);
        Assert.Equal(3000, _counters["mesh.raft.transport.sent"]);
        Assert.Equal(0, _counters["mesh.raft.transport.reconnects"]);
    }

    [Fact]
    public async Task The_sender_reconnects_after_the_peer_restarts_on_the_same_port()
    {
        var first = await RaftEndpoint.StartAsync();
        _transport.Send(first.Address, Heartbeat(0));
        await Eventually.TrueAsync(() => first.Received.Count == 1, "the first endpoint receives a heartbeat");

        var stopping = Stopwatch.StartNew();
        await first.StopAsync();
        // The open stream must not hold up a graceful shutdown (Kestrel would wait for it for 30 s).
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed}");
        for (var round = 1; round <= 10; round++)
        {
            _transport.Send(first.Address, Heartbeat((ulong)round));
        }

        await first.DisposeAsync();

        var second = Own(await RaftEndpoint.StartAsync(first.Port));
        var round2 = 100UL;
        await Eventually.TrueAsync(() =>
        {
            _transport.Send(second.Address, Heartbeat(round2++));
            return second.Received.Count > 0;
        }, "the restarted endpoint receives a heartbeat");
        Assert.True(_counters["mesh.raft.transport.reconnects"] >= 1, "the stream was reopened");

        var before = second.Received.Count;
        var after = Enumerable.Range(1000, 100).Select(i => (RaftMessage)Heartbeat((ulong)i)).ToList();
        after.ForEach(m => _transport.Send(second.Address, m));
        await Eventually.TrueAsync(() => second.Received.Count >= before + after.Count, "100 more heartbeats arrive");
        RaftMessageAssert.Equal(after, second.Received.Messages.Skip(before).Where(m => ((HeartbeatRequest)m).Round >= 1000).ToList());
    }

    [Fact]
    public async Task Dead_peers_do_not_delay_a_live_one()
    {
        var live = Own(await RaftEndpoint.StartAsync());
        var refused = FreePort();
        // A black hole: the kernel completes connections to it, nobody ever answers, writes to it hang.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var silent = $"127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}";

        var clock = Stopwatch.StartNew();
        for (var round = 0; round < 1000; round++)
        {
            _transport.Send(silent, Heartbeat((ulong)round));
            _transport.Send(refused, Heartbeat((ulong)round));
            _transport.Send(live.Address, Heartbeat((ulong)round));
        }

        await Eventually.TrueAsync(() => live.Received.Count == 1000, "the live peer receives 1000 heartbeats", TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed < WriteTimeout, "no wait for the dead peers' write timeout");
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (ulong)i), live.Received.Messages.Select(m => ((HeartbeatRequest)m).Round));

        var disposing = Stopwatch.StartNew();
        await _transport.DisposeAsync();
        Assert.True(disposing.Elapsed < TimeSpan.FromSeconds(5), $"disposing with a hung peer took {disposing.Elapsed}");
    }

    [Fact]
    public async Task A_peer_that_is_down_costs_bounded_memory_and_counts_what_it_dropped()
    {
        var down = FreePort();

        for (var round = 0; round < 10_000; round++)
        {
            _transport.Send(down, Heartbeat((ulong)round));
        }

        await Eventually.TrueAsync(() => _counters["mesh.raft.transport.reconnects"] >= 2, "the sender retries");
        Assert.True(_counters["mesh.raft.transport.dropped/queue_full"] >= 10_000 - 4096 - 512, "the full queue dropped its oldest messages");
        Assert.True(_counters["mesh.raft.transport.dropped/send_failed"] > 0, "failed writes dropped their batches");
        Assert.Equal(0, _counters["mesh.raft.transport.sent"]);
    }

    [Fact]
    public async Task A_malformed_batch_ends_only_its_own_stream_with_invalid_argument()
    {
        var endpoint = Own(await RaftEndpoint.StartAsync());
        using var channel = GrpcChannel.ForAddress($"http://{endpoint.Address}");
        var raw = new Method<byte[], byte[]>(MethodType.ClientStreaming, RaftTransportMethods.ServiceName, "Stream",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

        using (var call = channel.CreateCallInvoker().AsyncClientStreamingCall(raw, null, default))
        {
            await call.RequestStream.WriteAsync(RaftWireCodec.EncodeBatch([Heartbeat(1)]));
            var unknownType = RaftWireCodec.EncodeBatch([Heartbeat(2)]);
            unknownType[4] = 0xEE;
            await call.RequestStream.WriteAsync(unknownType);
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("unknown type", error.Status.Detail, StringComparison.Ordinal);
        }

        _transport.Send(endpoint.Address, Heartbeat(3));
        await Eventually.TrueAsync(() => endpoint.Received.Count == 2, "the endpoint still serves other streams");
        Assert.Equal([1UL, 3UL], endpoint.Received.Messages.Select(m => ((HeartbeatRequest)m).Round));
    }

    private static HeartbeatRequest Heartbeat(ulong round) => new("a", "b", 1, 0, round);

    /// <summary>An address where nothing listens: a port just released.</summary>
    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    private T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }
}
