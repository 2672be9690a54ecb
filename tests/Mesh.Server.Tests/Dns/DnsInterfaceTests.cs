using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Mesh.Server.Tests.Dns;

/// <summary>The agent's DNS interface as `dig` sees it: one real dev agent per test, queried on its loopback DNS port.</summary>
public sealed class DnsInterfaceTests
{
    [Fact]
    public async Task Srv_lists_healthy_instances_and_drops_one_within_a_second_of_its_check_failing()
    {
        await using var dns = await DnsAgent.StartAsync();
        await dns.RegisterAsync(new { ID = "counting-1", Name = "counting", Port = 9001, Check = new { TTL = "30s", Status = "passing" } });
        await dns.RegisterAsync(new { ID = "counting-2", Name = "counting", Port = 9002, Check = new { TTL = "30s", Status = "passing" } });
        // A warning instance still answers (only_passing is off by default).
        await dns.RegisterAsync(new { ID = "counting-3", Name = "counting", Port = 9003, Check = new { TTL = "30s", Status = "warning" } });

        var reply = await dns.UntilAsync("counting.service.consul", "SRV", r => r.Data("SRV").Count == 3, "three SRV answers");

        Assert.Equal(["1 1 9001 dns-node.node.dc1.consul.", "1 1 9002 dns-node.node.dc1.consul.", "1 1 9003 dns-node.node.dc1.consul."], reply.Data("SRV").Order());
        Assert.All(reply.Answer, r => Assert.Equal("0", r[1]));
        var additional = Assert.Single(reply.Additional);
        Assert.Equal(["dns-node.node.dc1.consul.", "0", "IN", "A", "127.0.0.1"], additional);
        Assert.Contains("aa", reply.Flags);

        await dns.PutAsync("/v1/agent/check/fail/service:counting-2");
        var failed = Stopwatch.StartNew();
        reply = await dns.UntilAsync("counting.service.consul", "SRV", r => r.Data("SRV").Count == 2, "the failed instance to go");
        Assert.True(failed.Elapsed < TimeSpan.FromSeconds(1), $"the failed instance left the answers after {failed.Elapsed}");
        Assert.DoesNotContain(reply.Data("SRV"), srv => srv.Contains(" 9002 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_prepared_query_answers_by_name_and_id_with_its_filters_and_its_ttl()
    {
        await using var dns = await DnsAgent.StartAsync();
        await dns.RegisterAsync(new { ID = "api-1", Name = "api", Port = 7001, Address = "10.0.0.1", Tags = new[] { "v1" } });
        await dns.RegisterAsync(new { ID = "api-2", Name = "api", Port = 7002, Address = "10.0.0.2", Tags = new[] { "v1", "canary" } });
        await dns.RegisterAsync(new { ID = "api-3", Name = "api", Port = 7003, Address = "10.0.0.3", Tags = new[] { "v1" }, Check = new { TTL = "30s", Status = "critical" } });
        using var created = await dns.Agent.Http.PostAsJsonAsync("/v1/query", new
        {
            Name = "stable-api",
            Service = new { Service = "api", Tags = new[] { "v1", "!canary" } },
            DNS = new { TTL = "42s" },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ID").GetString()!;

        var reply = await dns.UntilAsync("stable-api.query.consul", "A", r => r.Data("A").Count > 0, "the query's A answer");
        Assert.Equal(["10.0.0.1"], reply.Data("A"));
        Assert.All(reply.Answer, r => Assert.Equal("42", r[1]));

        var srv = await dns.DigAsync($"{id}.query.dc1.consul", "SRV");
        Assert.Equal(["1 1 7001 0a000001.addr.dc1.consul."], srv.Data("SRV"));
        Assert.Equal("NXDOMAIN", (await dns.DigAsync("no-such-query.query.consul", "A")).Status);
    }

    [Fact]
    public async Task A_records_answer_any_case_and_datacenter_form_and_only_passing_drops_warnings()
    {
        await using var dns = await DnsAgent.StartAsync("dns_config { only_passing = true }");
        await dns.RegisterAsync(new { ID = "web-1", Name = "web", Port = 80, Address = "10.0.0.1" });
        await dns.RegisterAsync(new { ID = "web-2", Name = "web", Port = 81, Address = "10.0.0.2" });
        await dns.RegisterAsync(new { ID = "web-3", Name = "web", Port = 82, Address = "10.0.0.3", Check = new { TTL = "30s", Status = "warning" } });
        await dns.RegisterAsync(new { ID = "web-4", Name = "web", Port = 83, Address = "10.0.0.4", Check = new { TTL = "30s", Status = "critical" } });

        var reply = await dns.UntilAsync("WeB.Service.CONSUL", "A", r => r.Data("A").Count == 2, "two A answers");
        Assert.Equal(["10.0.0.1", "10.0.0.2"], reply.Data("A").Order());
        Assert.Equal("WeB.Service.CONSUL.", reply.Answer[0][0]);

        var withDatacenter = await dns.DigAsync("web.service.dc1.consul", "A");
        Assert.Equal(["10.0.0.1", "10.0.0.2"], withDatacenter.Data("A").Order());

        // An instance with its own address is an SRV target under .addr., which answers its A record too.
        var srv = await dns.DigAsync("web.service.consul", "SRV");
        Assert.Contains("1 1 80 0a000001.addr.dc1.consul.", srv.Data("SRV"));
        Assert.Contains(srv.Additional, r => r[0] == "0a000001.addr.dc1.consul." && r[^1] == "10.0.0.1");
        Assert.Equal(["10.0.0.1"], (await dns.DigAsync("0a000001.addr.dc1.consul", "A")).Data("A"));

        // No IPv6 address: the name exists, so NOERROR with no answers and the SOA (NODATA).
        var aaaa = await dns.DigAsync("web.service.consul", "AAAA");
        Assert.Equal("NOERROR", aaaa.Status);
        Assert.Empty(aaaa.Answer);
        Assert.Equal("SOA", Assert.Single(aaaa.Authority)[3]);
    }

    [Fact]
    public async Task Tag_rfc2782_node_and_connect_lookups_answer()
    {
        await using var dns = await DnsAgent.StartAsync();
        await dns.RegisterAsync(new { ID = "db-primary", Name = "db", Port = 5432, Tags = new[] { "primary" } });
        await dns.RegisterAsync(new { ID = "db-replica", Name = "db", Port = 5433, Tags = new[] { "replica" } });
        await dns.RegisterAsync(new
        {
            ID = "db-proxy",
            Name = "db-sidecar-proxy",
            Kind = "connect-proxy",
            Port = 21000,
            Address = "10.9.9.9",
            Proxy = new { DestinationServiceName = "db", LocalServicePort = 5432 },
        });

        var tagged = await dns.UntilAsync("primary.db.service.consul", "SRV", r => r.Data("SRV").Count == 1, "the tagged instance");
        Assert.Equal("1 1 5432 dns-node.node.dc1.consul.", tagged.Data("SRV")[0]);
        Assert.Equal(["1 1 5433 dns-node.node.dc1.consul."], (await dns.DigAsync("_db._REPLICA.service.consul", "SRV")).Data("SRV"));
        Assert.Equal(2, (await dns.DigAsync("_db._tcp.service.dc1.consul", "SRV")).Data("SRV").Count);
        Assert.Equal("NXDOMAIN", (await dns.DigAsync("nosuchtag.db.service.consul", "SRV")).Status);

        Assert.Equal(["127.0.0.1"], (await dns.DigAsync("dns-node.node.consul", "A")).Data("A"));
        Assert.Equal(["127.0.0.1"], (await dns.DigAsync("DNS-NODE.node.dc1.consul", "A")).Data("A"));

        var connect = await dns.DigAsync("db.connect.consul", "SRV");
        Assert.Equal(["1 1 21000 0a090909.addr.dc1.consul."], connect.Data("SRV"));
        Assert.Equal(["10.9.9.9"], (await dns.DigAsync("db.connect.consul", "A")).Data("A"));
    }

    [Fact]
    public async Task Reverse_names_point_at_nodes_and_service_addresses_and_node_meta_is_txt()
    {
        await using var dns = await DnsAgent.StartAsync("node_meta { rack = \"r1\" \"a=b\" = \"x\" rfc1035-spf = \"v=spf1 -all\" }");
        await dns.RegisterAsync(new { ID = "billing-1", Name = "billing", Port = 9090, Address = "10.20.30.40" });
        await dns.RegisterAsync(new { ID = "ledger-1", Name = "ledger", Port = 9091, Address = "fd00::5" });

        var node = await dns.UntilAsync("1.0.0.127.in-addr.arpa", "PTR", r => r.Status == "NOERROR", "the node's PTR");
        Assert.Equal(["dns-node.node.dc1.consul."], node.Data("PTR"));
        var service = await dns.UntilAsync("40.30.20.10.in-addr.arpa", "PTR", r => r.Status == "NOERROR", "the service's PTR");
        Assert.Equal(["billing.service.consul."], service.Data("PTR"));
        Assert.Equal(["ledger.service.consul."], (await dns.DigAsync("5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa", "PTR")).Data("PTR"));
        // An address the catalog does not hold is an outside name: refused without recursors.
        Assert.Equal("REFUSED", (await dns.DigAsync("9.9.9.9.in-addr.arpa", "PTR")).Status);

        var txt = await dns.DigAsync("dns-node.node.consul", "TXT");
        // The agent's own meta too, as Consul's: consul-network-segment, empty.
        Assert.Equal(["\"a`=b=x\"", "\"consul-network-segment=\"", "\"rack=r1\"", "\"v=spf1 -all\""], txt.Data("TXT"));
        var a = await dns.DigAsync("dns-node.node.consul", "A");
        Assert.Equal(["127.0.0.1"], a.Data("A"));
        Assert.Equal(4, a.Additional.Count(r => r[3] == "TXT"));
    }

    [Fact]
    public async Task Unknown_names_are_nxdomain_with_consuls_soa_and_outside_names_are_refused_without_recursors()
    {
        await using var dns = await DnsAgent.StartAsync("domain = \"Mesh.Test\"");

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var missing = await dns.DigAsync("nothing.service.mesh.test", "A");
        Assert.Equal("NXDOMAIN", missing.Status);
        Assert.Empty(missing.Answer);
        var soa = Assert.Single(missing.Authority);
        Assert.Equal(["mesh.test.", "0", "IN", "SOA", "ns.mesh.test.", "hostmaster.mesh.test."], soa[..6]);
        Assert.InRange(long.Parse(soa[6], System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(["3600", "600", "86400", "0"], soa[7..]);
        Assert.Equal("NXDOMAIN", (await dns.DigAsync("dns-node.node.otherdc.mesh.test", "A")).Status);
        Assert.Equal("NXDOMAIN", (await dns.DigAsync("what.ever.mesh.test", "A")).Status);

        var outside = await dns.DigAsync("example.com", "A");
        Assert.Equal("REFUSED", outside.Status);
        // Names in the default domain are outside this one.
        Assert.Equal("REFUSED", (await dns.DigAsync("dns-node.node.consul", "A")).Status);
    }

    [Fact]
    public async Task Names_outside_the_domain_are_forwarded_to_the_recursors()
    {
        using var upstream = new FakeUpstream(IPAddress.Parse("192.0.2.7"));
        // The first recursor answers nothing (a bound socket that never replies): the second one is asked.
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var silentPort = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
        await using var dns = await DnsAgent.StartAsync(
            $"recursors = [\"127.0.0.1:{DnsAgent.Text(silentPort)}\", \"127.0.0.1:{DnsAgent.Text(upstream.Port)}\"]",
            "dns_config { recursor_timeout = \"300ms\" }");

        var asked = upstream.Queries;
        var reply = await dns.DigAsync("www.example.org", "A");

        Assert.Equal("NOERROR", reply.Status);
        Assert.Equal(["192.0.2.7"], reply.Data("A"));
        Assert.Equal("www.example.org.", reply.Answer[0][0]);
        Assert.Contains("ra", reply.Flags);
        Assert.Equal(asked + 1, upstream.Queries);
    }

    [Fact]
    public async Task A_large_answer_is_truncated_over_udp_and_complete_over_tcp()
    {
        await using var dns = await DnsAgent.StartAsync();
        const int Instances = 60;
        for (var i = 1; i <= Instances; i++)
        {
            await dns.RegisterAsync(new { ID = $"big-{i}", Name = "big", Port = 10000 + i, Address = $"10.1.{i / 250}.{i % 250}" });
        }

        // dig's default EDNS0 buffer (1232 bytes) holds only part of 60 SRV answers with their A records.
        var udp = await dns.UntilAsync("big.service.consul", "SRV", r => r.Answer.Count > 0, "an answer", null, "+ignore");
        Assert.Contains("tc", udp.Flags);
        Assert.InRange(udp.Answer.Count, 1, Instances - 1);
        // The A records that come along are those of the SRV targets kept.
        var targets = udp.Answer.Select(r => r[^1]).ToHashSet();
        Assert.All(udp.Additional, r => Assert.Contains(r[0], targets));

        // Without EDNS0 a UDP reply holds udp_answer_limit (3) answers.
        var classic = await dns.DigAsync("big.service.consul", "SRV", "+ignore", "+noedns");
        Assert.Contains("tc", classic.Flags);
        Assert.Equal(3, classic.Answer.Count);

        var tcp = await dns.DigAsync("big.service.consul", "SRV", "+tcp");
        Assert.DoesNotContain("tc", tcp.Flags);
        Assert.Equal(Instances, tcp.Answer.Count);
        Assert.Equal(Instances, tcp.Additional.Count);

        // dig retries a truncated reply over TCP by itself.
        Assert.Equal(Instances, (await dns.DigAsync("big.service.consul", "SRV")).Answer.Count);
    }

    [Fact]
    public async Task Malformed_packets_are_dropped_and_the_agent_keeps_answering()
    {
        await using var dns = await DnsAgent.StartAsync();
        await dns.RegisterAsync(new { Name = "steady", Port = 7000 });
        using var udp = new UdpClient();
        udp.Connect(IPAddress.Loopback, dns.DnsPort);
        byte[][] garbage =
        [
            "garbage!"u8.ToArray(),
            [0x12],
            // A question whose name is a compression pointer to itself.
            [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01],
            // A label running past the end of the packet.
            [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3F, 0x61, 0x62],
            // An additional record claiming more data than was sent.
            [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00, 0, 0, 0, 0, 0xFF, 0xFF],
            [.. Enumerable.Repeat((byte)0xFF, 600)],
        ];
        foreach (var packet in garbage)
        {
            await udp.SendAsync(packet);
        }
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, dns.DnsPort);
            await tcp.GetStream().WriteAsync(new byte[] { 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF });
            // The agent closes a connection that sent a malformed message.
            Assert.Equal(0, await tcp.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        var reply = await dns.UntilAsync("steady.service.consul", "SRV", r => r.Data("SRV").Count == 1, "the valid query to answer");
        Assert.Equal("1 1 7000 dns-node.node.dc1.consul.", reply.Data("SRV")[0]);
        Assert.False(dns.Agent.HasExited);
        // Garbage got no reply: the only datagram back would be an answer, and none came.
        Assert.Equal(0, udp.Available);
    }

    /// <summary>An upstream DNS server on loopback that answers every A query with one fixed address.</summary>
    private sealed class FakeUpstream : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly byte[] _address;
        private int _queries;

        public FakeUpstream(IPAddress address)
        {
            _address = address.GetAddressBytes();
            _ = ServeAsync();
        }

        public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

        public int Queries => Volatile.Read(ref _queries);

        public void Dispose() => _socket.Dispose();

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    var received = await _socket.ReceiveAsync();
                    Interlocked.Increment(ref _queries);
                    await _socket.SendAsync(Answer(received.Buffer), received.RemoteEndPoint);
                }
            }
            catch (ObjectDisposedException)
            {
            }
            catch (SocketException)
            {
            }
        }

        // The query's header and question, flagged as a recursive answer, plus one A record pointing at the question name.
        private byte[] Answer(byte[] query)
        {
            var questionEnd = 12;
            while (query[questionEnd] != 0)
            {
                questionEnd += query[questionEnd] + 1;
            }
            questionEnd += 5;
            byte[] header = [query[0], query[1], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
            byte[] record = [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, .. _address];
            return [.. header, .. query[12..questionEnd], .. record];
        }
    }
}
