using System.Net;
using Mesh.Gossip.Simulation;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

/// <summary>Queries in the simulated pool: dissemination to everyone, answers collected, loss, streams, deadlines.</summary>
public sealed class GossipQueryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>What one query of one member saw: the answers, and how it ended.</summary>
    private sealed class QueryRecord
    {
        public Dictionary<string, byte[]> Answers { get; } = [];

        public QueryFinished? Finished { get; set; }

        public TimeSpan FinishedAt { get; set; }
    }

    /// <summary>A pool whose members answer every query with their name, counting how often each one was asked.</summary>
    private static (SimNetwork Network, Dictionary<string, int> Asked, Dictionary<uint, QueryRecord> Queries) Pool(int count, int seed)
    {
        var network = new SimNetwork(seed);
        network.Bootstrap(count, TimeSpan.FromMilliseconds(10), Limit);
        var asked = new Dictionary<string, int>();
        var queries = new Dictionary<uint, QueryRecord>();
        network.QueryHandler = (member, query) =>
        {
            asked[member.Name] = asked.GetValueOrDefault(member.Name) + 1;
            return System.Text.Encoding.UTF8.GetBytes(member.Name);
        };
        network.OnQueryAction = (_, action) =>
        {
            switch (action)
            {
                case QueryResponseReceived response:
                    Record(response.QueryId).Answers[response.From] = response.Payload;
                    break;
                case QueryFinished finished:
                    Record(finished.QueryId).Finished = finished;
                    Record(finished.QueryId).FinishedAt = network.Now;
                    break;
            }
        };
        return (network, asked, queries);

        QueryRecord Record(uint id)
        {
            if (!queries.TryGetValue(id, out var record))
            {
                queries[id] = record = new QueryRecord();
            }
            return record;
        }
    }

    private static uint Ask(SimNetwork network, SimMember asker, string name, GossipQueryParameters? parameters = null)
    {
        var id = asker.Core.Query(name, "question"u8, parameters ?? new GossipQueryParameters(), out var actions);
        network.Apply(asker, actions);
        return id;
    }

    [Fact]
    public void A_query_reaches_every_member_once_and_ends_as_soon_as_all_answered()
    {
        var (network, asked, queries) = Pool(50, seed: 41);
        var asker = network.Members[7];
        var started = network.Now;
        var timeout = GossipMath.QueryTimeout(asker.Core.Options.GossipInterval, asker.Core.Options.QueryTimeoutMult, 50);

        var id = Ask(network, asker, "who");

        Assert.True(network.RunUntil(() => queries.GetValueOrDefault(id)?.Finished is not null, Limit));
        var record = queries[id];
        Assert.Equal(new QueryFinished(id, 50, 50), record.Finished);
        Assert.Equal(network.Members.Select(m => m.Name).Order(), record.Answers.Keys.Order());
        Assert.All(record.Answers, answer => Assert.Equal(answer.Key, System.Text.Encoding.UTF8.GetString(answer.Value)));
        Assert.True(record.FinishedAt - started < timeout / 2, $"all answered after {record.FinishedAt - started}, timeout {timeout}");
        // Every member gossips the query on, so each hears it several times, yet handles it once.
        network.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal(50, asked.Count);
        Assert.All(asked.Values, times => Assert.Equal(1, times));
        Assert.Equal(0, asker.Core.PendingQueries);
    }

    [Fact]
    public void Under_packet_loss_the_query_still_spreads_and_relays_recover_lost_answers()
    {
        var (network, _, queries) = Pool(60, seed: 42);
        var heard = new Dictionary<uint, HashSet<string>>();
        var answer = network.QueryHandler!;
        network.QueryHandler = (member, query) =>
        {
            heard.TryAdd(query.Id, []);
            heard[query.Id].Add(member.Name);
            return answer(member, query);
        };
        network.PacketLoss = 0.1;

        var direct = Ask(network, network.Members[0], "direct");
        Assert.True(network.RunUntil(() => queries.GetValueOrDefault(direct)?.Finished is not null, Limit));
        var relayed = Ask(network, network.Members[0], "relayed", new GossipQueryParameters { RelayFactor = 3 });
        Assert.True(network.RunUntil(() => queries.GetValueOrDefault(relayed)?.Finished is not null, Limit));

        output.WriteLine($"direct: heard by {heard[direct].Count}, answered by {queries[direct].Answers.Count}; " +
            $"relayed: heard by {heard[relayed].Count}, answered by {queries[relayed].Answers.Count}");
        // Gossip retransmits the query, so nearly every member hears it despite the loss (as in Serf, not all is guaranteed).
        Assert.InRange(heard[direct].Count, 58, 60);
        Assert.InRange(heard[relayed].Count, 58, 60);
        // Without relays, a lost answer is lost; with three relays each, every member that heard the query is heard back.
        Assert.InRange(queries[direct].Answers.Count, 40, heard[direct].Count - 1);
        Assert.Equal(heard[relayed].Order(), queries[relayed].Answers.Keys.Order());
    }

    [Fact]
    public void A_member_that_died_unnoticed_makes_the_query_run_until_its_timeout()
    {
        var (network, _, queries) = Pool(10, seed: 43);
        var asker = network.Members[0];
        network.Kill(network.Members[5]);
        var timeout = TimeSpan.FromSeconds(2);
        var started = network.Now;

        var id = Ask(network, asker, "who", new GossipQueryParameters { Timeout = timeout });

        Assert.True(network.RunUntil(() => queries.GetValueOrDefault(id)?.Finished is not null, Limit));
        Assert.Equal(new QueryFinished(id, 10, 9), queries[id].Finished);
        Assert.InRange(queries[id].FinishedAt - started, timeout, timeout + TimeSpan.FromMilliseconds(20));
        Assert.DoesNotContain(network.Members[5].Name, queries[id].Answers.Keys);
    }

    [Fact]
    public void An_answer_too_large_for_a_packet_comes_back_over_a_stream()
    {
        var (network, _, queries) = Pool(5, seed: 44);
        var big = new byte[20_000];
        new Random(1).NextBytes(big);
        network.QueryHandler = (_, _) => big;

        var id = Ask(network, network.Members[2], "big");

        Assert.True(network.RunUntil(() => queries.GetValueOrDefault(id)?.Finished is not null, Limit));
        Assert.Equal(new QueryFinished(id, 5, 5), queries[id].Finished);
        Assert.All(queries[id].Answers.Values, answer => Assert.Equal(big, answer));
    }

    [Fact]
    public void A_query_that_cannot_fit_a_packet_or_has_bad_parameters_is_refused()
    {
        var (network, _, _) = Pool(2, seed: 45);
        var core = network.Members[0].Core;

        Assert.Contains("does not fit a packet", Assert.Throws<ArgumentException>(() => core.Query("q", new byte[1400], new GossipQueryParameters(), out _)).Message);
        Assert.Contains("relay factor must be 0 to 5", Assert.Throws<ArgumentException>(() => core.Query("q", [], new GossipQueryParameters { RelayFactor = 6 }, out _)).Message);
        Assert.Contains("timeout must be positive", Assert.Throws<ArgumentException>(() => core.Query("q", [], new GossipQueryParameters { Timeout = TimeSpan.Zero }, out _)).Message);
        Assert.Contains("1 to 255 bytes", Assert.Throws<ArgumentException>(() => core.Query("", [], new GossipQueryParameters(), out _)).Message);
        Assert.Equal(0, core.PendingQueries);
    }

    [Fact]
    public void An_answer_after_the_timeout_is_not_sent_and_a_repeated_query_is_ignored()
    {
        var clock = new SimClock();
        var node = new GossipNode("me", new IPEndPoint(IPAddress.Parse("10.0.0.1"), 8301), null, null, clock, new Random(1));
        node.Start();
        var asker = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 8301);
        var packet = MessageCodec.Frame(new QueryMessage(9, "q", "other", asker, 1000, 0, []));

        var first = node.ReceivePacket(packet, asker);
        var query = Assert.Single(first.OfType<AnswerQuery>()).Query;
        Assert.Equal(("q", "other", 9u), (query.Name, query.Origin, query.Id));
        Assert.Empty(node.ReceivePacket(packet, asker).OfType<AnswerQuery>());

        var inTime = node.RespondToQuery(query, "yes"u8);
        clock.Now += TimeSpan.FromMilliseconds(1001);
        var late = node.RespondToQuery(query, "yes"u8);

        var sent = Assert.Single(inTime.OfType<SendPacket>());
        Assert.Equal(asker, sent.To);
        var decoded = new List<GossipMessage>();
        Assert.Null(MessageCodec.DecodePacket(sent.Payload, decoded));
        Assert.Contains(decoded, message => message is QueryResponseMessage { Id: 9, From: "me" });
        Assert.Empty(late);
    }

    [Fact]
    public void A_malformed_query_is_dropped_and_counted_without_reaching_the_host()
    {
        var observer = new SimObserver();
        var node = new GossipNode("me", new IPEndPoint(IPAddress.Parse("10.0.0.1"), 8301), null, null, new SimClock(), new Random(1), observer);
        node.Start();
        var asker = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 8301);
        var noTimeout = MessageCodec.Frame(new QueryMessage(1, "q", "other", asker, 0, 0, []));
        var truncated = MessageCodec.Frame(new QueryMessage(2, "q", "other", asker, 1000, 0, [1, 2, 3]))[..^1];

        var actions = node.ReceivePacket(noTimeout, asker).Concat(node.ReceivePacket(truncated, asker));

        Assert.Empty(actions.OfType<AnswerQuery>());
        Assert.Equal(1, observer.Drops[DropReason.Malformed]);
        Assert.Equal(1, observer.Drops[DropReason.Truncated]);
    }
}
