using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

/// <summary>Real agents on 127.0.0.1 with real UDP and TCP sockets.</summary>
public sealed class GossipAgentTests : IAsyncLifetime
{
    // Ten times faster than Consul's LAN timing so that tests finish quickly; one test uses the real defaults.
    private static readonly GossipOptions Fast = new()
    {
        ProbeInterval = TimeSpan.FromMilliseconds(100),
        ProbeTimeout = TimeSpan.FromMilliseconds(50),
        GossipInterval = TimeSpan.FromMilliseconds(20),
        PushPullInterval = TimeSpan.FromSeconds(3),
        StreamTimeout = TimeSpan.FromSeconds(2),
    };

    private readonly List<GossipAgent> _agents = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
    }

    private GossipAgent StartAgent(string name, GossipOptions? protocol = null, GossipKeyring? keyring = null)
    {
        var agent = GossipAgent.Start(new GossipAgentOptions
        {
            NodeName = name,
            BindAddress = IPAddress.Loopback,
            Port = 0,
            Metadata = new Dictionary<string, string> { ["role"] = "node", ["dc"] = "dc1", ["build"] = "0.1.0" },
            Keyring = keyring,
            Protocol = protocol ?? Fast,
        });
        _agents.Add(agent);
        return agent;
    }

    private async Task<List<GossipAgent>> PoolAsync(int count, GossipOptions? protocol = null, GossipKeyring? keyring = null)
    {
        var agents = Enumerable.Range(0, count).Select(i => StartAgent($"agent-{i}", protocol, keyring)).ToList();
        foreach (var agent in agents.Skip(1))
        {
            Assert.Equal(1, await agent.JoinAsync([agents[0].Address.ToString()]));
        }
        await Eventually.TrueAsync(
            () => agents.All(agent => agent.Members().Count(member => member.State == MemberState.Alive) == count),
            "every agent to see every other alive");
        return agents;
    }

    private static bool SeenAs(IEnumerable<GossipAgent> observers, string name, MemberState state) =>
        observers.All(agent => agent.Find(name)?.State == state);

    [Fact]
    public async Task Agents_that_join_see_each_other_with_their_metadata()
    {
        var agents = await PoolAsync(4);

        var seen = agents[3].Find("agent-1");
        Assert.NotNull(seen);
        Assert.Equal(agents[1].Address, seen.Address);
        Assert.Equal("dc1", seen.Metadata["dc"]);
    }

    [Fact]
    public async Task An_agent_that_stops_without_leaving_is_failed_by_the_others_within_the_suspicion_bound()
    {
        // Consul's LAN defaults: for 4 members the suspicion lasts 4 s (2 confirmations) to 24 s (none).
        var agents = await PoolAsync(4, new GossipOptions());
        var survivors = agents.Take(3).ToList();
        var stopped = agents[3];

        await stopped.DisposeAsync();

        await Eventually.TrueAsync(() => SeenAs(survivors, "agent-3", MemberState.Dead), "the stopped agent to be failed", TimeSpan.FromSeconds(30));
        Assert.All(survivors, agent => Assert.Equal(4, agent.Members().Count));
    }

    [Fact]
    public async Task A_graceful_leave_is_seen_as_left()
    {
        var agents = await PoolAsync(3);

        await agents[2].LeaveAsync();

        await Eventually.TrueAsync(() => SeenAs(agents.Take(2), "agent-2", MemberState.Left), "the leaver to be seen as left");
    }

    [Fact]
    public async Task An_encrypted_pool_works_and_an_agent_with_the_wrong_key_cannot_join()
    {
        var key = GossipKeyring.GenerateKey();
        var agents = await PoolAsync(3, keyring: new GossipKeyring(key));
        var intruder = StartAgent("intruder", keyring: new GossipKeyring(GossipKeyring.GenerateKey()));
        var plaintext = StartAgent("plaintext");

        var wrongKey = await Assert.ThrowsAsync<GossipException>(() => intruder.JoinAsync([agents[0].Address.ToString()]));
        var noKey = await Assert.ThrowsAsync<GossipException>(() => plaintext.JoinAsync([agents[1].Address.ToString()]));

        Assert.StartsWith("gossip: failed to join any member:", wrongKey.Message);
        Assert.Contains(agents[0].Address.ToString(), wrongKey.Message);
        Assert.Contains(agents[1].Address.ToString(), noKey.Message);
        Assert.True(agents[0].Dropped(DropReason.Unauthenticated) > 0);
        Assert.True(agents[1].Dropped(DropReason.Unauthenticated) > 0);
        Assert.All(agents, agent => Assert.Null(agent.Find("intruder")));
        Assert.Single(intruder.Members());
    }

    [Fact]
    public async Task Keys_rotate_in_a_running_pool()
    {
        var oldKey = GossipKeyring.GenerateKey();
        var newKey = GossipKeyring.GenerateKey();
        var agents = await PoolAsync(3, keyring: new GossipKeyring(oldKey));

        foreach (var agent in agents)
        {
            agent.Keyring!.Install(newKey);
        }
        foreach (var agent in agents)
        {
            agent.Keyring!.Use(newKey);
        }
        foreach (var agent in agents)
        {
            agent.Keyring!.Remove(oldKey);
        }
        var late = StartAgent("late", keyring: new GossipKeyring(newKey));
        await late.JoinAsync([agents[2].Address.ToString()]);

        await Eventually.TrueAsync(() => SeenAs(agents, "late", MemberState.Alive), "the late agent to be seen with the new key");
        // Packets sealed with the old key just before its removal are dropped, so a suspicion is possible; a failure is not.
        Assert.All(agents, agent => Assert.NotEqual(MemberState.Dead, agent.Find("agent-0")!.State));
    }

    [Fact]
    public async Task Garbage_on_both_ports_is_dropped_and_counted_and_the_agent_keeps_working()
    {
        var agents = await PoolAsync(2);
        var target = agents[0].Address;
        var random = new Random(3);
        using (var udp = new UdpClient(AddressFamily.InterNetwork))
        {
            for (var i = 0; i < 200; i++)
            {
                var garbage = new byte[random.Next(1, 1600)];
                random.NextBytes(garbage);
                garbage[0] = (byte)(i % 3);
                await udp.SendAsync(garbage, target);
            }
        }
        foreach (var frame in new[] { new byte[] { 0, 0, 0, 5, 0, 1, 2 }, new byte[] { 0x7F, 0xFF, 0xFF, 0xFF }, new byte[] { 0, 0, 0, 3, 0, 9, 9 } })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(target);
            var stream = tcp.GetStream();
            await stream.WriteAsync(frame);
            tcp.Client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await stream.ReadAsync(new byte[16]));
        }

        await Eventually.TrueAsync(
            () => Enum.GetValues<DropReason>().Sum(reason => agents[0].Dropped(reason)) >= 100,
            "the garbage to be counted (loopback may lose some of a burst)");
        Assert.True(agents[0].Dropped(DropReason.Oversized) > 0);
        var late = StartAgent("late");
        await late.JoinAsync([target.ToString()]);
        await Eventually.TrueAsync(() => SeenAs(agents, "late", MemberState.Alive), "a new agent to join after the garbage");
    }

    [Fact]
    public async Task Member_changes_stream_in_order_starting_from_the_current_state()
    {
        var agents = await PoolAsync(3);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var changes = agents[0].WatchAsync(includeCurrent: true, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var current = new List<MemberEvent>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await changes.MoveNextAsync());
            current.Add(changes.Current);
        }

        await agents[1].LeaveAsync();
        var later = new List<MemberEvent>();
        while (await changes.MoveNextAsync())
        {
            later.Add(changes.Current);
            if (changes.Current.Kind == MemberEventKind.Left)
            {
                break;
            }
        }

        Assert.Equal(["agent-0", "agent-1", "agent-2"], current.Select(change => change.Member.Name));
        Assert.All(current, change => Assert.Equal(MemberEventKind.Joined, change.Kind));
        var last = later[^1];
        Assert.Equal(("agent-1", MemberEventKind.Left, MemberState.Left), (last.Member.Name, last.Kind, last.Member.State));
    }

    [Fact]
    public async Task Metrics_are_published_on_the_mesh_gossip_meter()
    {
        var agents = await PoolAsync(2);
        var measured = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter == agents[0].Meter)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value)
        {
            lock (measured)
            {
                measured[instrument.Name] = measured.GetValueOrDefault(instrument.Name) + value;
            }
        }
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument, value));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument, value));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name != "mesh.gossip.members" || tags.ToArray().Contains(new("state", "alive")))
            {
                Record(instrument, value);
            }
        });
        listener.Start();

        await Eventually.TrueAsync(() =>
        {
            lock (measured)
            {
                return measured.ContainsKey("mesh.gossip.probe.duration") && measured.ContainsKey("mesh.gossip.bytes.sent") &&
                    measured.ContainsKey("mesh.gossip.bytes.received");
            }
        }, "probe and traffic measurements");
        listener.RecordObservableInstruments();

        Assert.Equal(2, measured["mesh.gossip.members"]);
        Assert.Equal(GossipMetrics.MeterName, agents[0].Meter.Name);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:8301")]
    [InlineData("127.0.0.1:9000", "127.0.0.1:9000")]
    [InlineData("[::1]:9000", "[::1]:9000")]
    [InlineData("::1", "[::1]:8301")]
    [InlineData("localhost:9001", "127.0.0.1:9001")]
    public async Task Join_addresses_take_a_host_and_an_optional_port(string address, string expected)
    {
        var endpoints = await GossipAgent.ResolveAsync(address, CancellationToken.None);

        Assert.Contains(IPEndPoint.Parse(expected), endpoints);
    }

    [Fact]
    public async Task Joining_nobody_reachable_fails_with_every_reason()
    {
        var agent = StartAgent("lonely");
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var error = await Assert.ThrowsAsync<GossipException>(() => agent.JoinAsync([$"127.0.0.1:{port}", "127.0.0.1:notaport"]));

        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("invalid port 'notaport'", error.Message);
    }

    [Fact]
    public void Starting_with_settings_that_cannot_work_fails_with_one_clear_line()
    {
        var taken = StartAgent("first");

        var wildcard = Assert.Throws<GossipException>(() => GossipAgent.Start(new GossipAgentOptions { NodeName = "a", BindAddress = IPAddress.Any, Port = 0 }));
        var inUse = Assert.Throws<GossipException>(() => GossipAgent.Start(new GossipAgentOptions { NodeName = "b", BindAddress = IPAddress.Loopback, Port = taken.Address.Port }));
        var badTiming = Assert.Throws<GossipException>(() => GossipAgent.Start(new GossipAgentOptions
        {
            NodeName = "c", BindAddress = IPAddress.Loopback, Port = 0, Protocol = new GossipOptions { ProbeTimeout = TimeSpan.FromSeconds(2) },
        }));

        Assert.Equal("gossip: bound to 0.0.0.0; an advertise address is required", wildcard.Message);
        Assert.StartsWith($"gossip: cannot listen on 127.0.0.1:{taken.Address.Port}:", inUse.Message);
        Assert.Equal("gossip: probe timeout must be positive and less than the probe interval", badTiming.Message);
    }
}
