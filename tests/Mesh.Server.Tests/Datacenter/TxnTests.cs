using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>PUT /v1/txn against three real servers: atomic, all or nothing, with Consul's answers.</summary>
[Collection(DatacenterCollection.Name)]
public sealed class TxnTests(DatacenterFixture fixture) : IClassFixture<DatacenterFixture>
{
    private const int Start = 100;
    private readonly Datacenter _datacenter = fixture.Datacenter;

    [Fact]
    public async Task Concurrent_cas_transactions_moving_units_around_three_keys_never_break_the_sum()
    {
        var leader = await _datacenter.WaitForLeaderAsync();
        string[] keys = ["move/0", "move/1", "move/2"];
        var setup = await TxnAsync(leader, [.. keys.Select(k => Op("set", k, Value(Start)))]);
        Assert.Equal(HttpStatusCode.OK, setup.Status);

        // Each worker moves one unit from key w%3 to key (w+1)%3 with cas on both: a worker whose source is
        // current but whose target moved under it (another pair's move) must change neither.
        const int workers = 6;
        const int attempts = 25;
        var moved = new int[keys.Length, keys.Length];
        var conflicts = 0;
        using var stop = new CancellationTokenSource();
        var sums = new List<int>();
        var checker = Task.Run(async () =>
        {
            // A read-only transaction reads every key from one state: the sum holds in every answer.
            while (!stop.IsCancellationRequested)
            {
                var (values, _) = await ReadAsync(leader, keys);
                lock (sums)
                {
                    sums.Add(values.Sum());
                }
            }
        });
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var server = _datacenter.Servers[w % _datacenter.Servers.Count];
            var (from, to) = (w % keys.Length, (w + 1) % keys.Length);
            for (var i = 0; i < attempts; i++)
            {
                var (values, indexes) = await ReadAsync(server, [keys[from], keys[to]]);
                var answer = await TxnAsync(server,
                [
                    Op("cas", keys[from], Value(values[0] - 1), indexes[0]),
                    Op("cas", keys[to], Value(values[1] + 1), indexes[1]),
                ]);
                if (answer.Status == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref moved[from, to]);
                }
                else
                {
                    Assert.Equal(HttpStatusCode.Conflict, answer.Status);
                    Assert.Contains("index is stale", answer.Body, StringComparison.Ordinal);
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));
        await stop.CancelAsync();
        await checker;

        var successes = workers * attempts - conflicts;
        _datacenter.Log($"{successes} moves applied, {conflicts} refused, {sums.Count} sums read");
        Assert.True(successes > 0, "No transaction was applied.");
        Assert.All(sums, sum => Assert.Equal(Start * keys.Length, sum));
        foreach (var server in _datacenter.Servers)
        {
            var (values, _) = await Poll.UntilAsync(
                () => ReadAsync(server, keys, "?stale"),
                read => read.Values.Sum() == Start * keys.Length && Enumerable.Range(0, keys.Length).All(k => read.Values[k] == Expected(k)),
                $"{server} to hold the moved values",
                Datacenter.Deadline);
            Assert.Equal(Start * keys.Length, values.Sum());
        }

        int Expected(int key) => Start
            - Enumerable.Range(0, keys.Length).Sum(to => moved[key, to])
            + Enumerable.Range(0, keys.Length).Sum(from => moved[from, key]);
    }

    [Fact]
    public async Task A_failed_operation_rolls_back_the_whole_transaction_with_consuls_errors()
    {
        var leader = await _datacenter.WaitForLeaderAsync();
        var follower = _datacenter.Servers.First(s => s != leader);
        var set = await TxnAsync(follower, [Op("set", "errors/k", "dg=="), Op("delete-tree", "errors/gone/")]);
        Assert.Equal(HttpStatusCode.OK, set.Status);
        var index = JsonNode.Parse(set.Body)!["Results"]![0]!["KV"]!["ModifyIndex"]!.GetValue<ulong>();

        // Everything before and after the failing operation is dropped; every failure is reported.
        var failed = await TxnAsync(follower,
        [
            Op("set", "errors/new", "eA=="),
            Op("cas", "errors/k", "eQ==", index + 1000),
            Op("check-not-exists", "errors/k"),
            Op("delete", "errors/k"),
        ]);
        Assert.Equal(HttpStatusCode.Conflict, failed.Status);
        Assert.Equal(
            """{"Results":null,"Errors":[{"OpIndex":1,"What":"failed to set key \"errors/k\", index is stale"},{"OpIndex":2,"What":"key \"errors/k\" exists"}]}""",
            failed.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.CallAsync(HttpMethod.Get, "/v1/kv/errors/new")).Status);
        Assert.Equal("v", await leader.Http.GetStringAsync("/v1/kv/errors/k?raw"));

        (JsonObject Op, string What)[] cases =
        [
            (Op("delete-cas", "errors/k", index: index + 1000), "failed to delete key \"errors/k\", index is stale"),
            (Op("check-index", "errors/k", index: index + 1000), $"failed index check for key \"errors/k\", current modify index {index} != {index + 1000}"),
            (Op("check-index", "errors/none", index: 1), "failed to check index, key \"errors/none\" doesn't exist"),
            (Op("get", "errors/none"), "key \"errors/none\" doesn't exist"),
            (Op("check-session", "errors/k", session: "s1"), "failed session check for key \"errors/k\", current session \"\" != \"s1\""),
            (Op("check-session", "errors/none", session: "s1"), "failed to check session, key \"errors/none\" doesn't exist"),
            (Op("unlock", "errors/k", session: "s1"), "failed to unlock key \"errors/k\", lock isn't held, or is held by another session"),
            (Op("unlock", "errors/k"), "missing session"),
            (Op("lock", "errors/k"), "missing session"),
            (Op("lock", "errors/k", session: "s1"), "invalid session \"s1\""),
            (Op("frob", "errors/k"), "unknown KV verb \"frob\""),
            (Op("get", ""), "Must provide key"),
        ];
        foreach (var (op, what) in cases)
        {
            // Ahead of a successful write, which must not survive the failure either.
            var answer = await TxnAsync(follower, [op, Op("set", "errors/k", "Zm9v")]);
            Assert.True(answer.Status == HttpStatusCode.Conflict, $"{op.ToJsonString()}: {answer}");
            var errors = JsonNode.Parse(answer.Body)!["Errors"]!.AsArray();
            Assert.Equal(0, errors[0]!["OpIndex"]!.GetValue<int>());
            Assert.Equal(what, errors[0]!["What"]!.GetValue<string>());
        }
        Assert.Equal("v", await leader.Http.GetStringAsync("/v1/kv/errors/k?raw"));
    }

    [Fact]
    public async Task Results_carry_the_entries_with_values_only_for_reads()
    {
        var leader = await _datacenter.WaitForLeaderAsync();
        var answer = await TxnAsync(leader, [Op("set", "results/a", "YQ==", flags: 7), Op("get", "results/a"), Op("get-tree", "results/")]);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var index = JsonNode.Parse(answer.Body)!["Results"]![0]!["KV"]!["ModifyIndex"]!.GetValue<ulong>();
        var entry = $$"""{"LockIndex":0,"Key":"results/a","Flags":7,"Value":%,"CreateIndex":{{index}},"ModifyIndex":{{index}}}""";
        Assert.Equal(
            $$"""{"Results":[{"KV":{{entry.Replace("%", "null", StringComparison.Ordinal)}}},{"KV":{{entry.Replace("%", "\"YQ==\"", StringComparison.Ordinal)}}},{"KV":{{entry.Replace("%", "\"YQ==\"", StringComparison.Ordinal)}}}],"Errors":null}""",
            answer.Body);

        // Writes without results answer an empty list.
        var deleted = await TxnAsync(leader, [Op("delete", "results/a"), Op("delete-tree", "results/")]);
        Assert.Equal("""{"Results":[],"Errors":null}""", deleted.Body);
    }

    [Fact]
    public async Task A_read_only_transaction_is_answered_by_any_server_with_leader_headers_and_no_index()
    {
        var leader = await _datacenter.WaitForLeaderAsync();
        Assert.Equal(HttpStatusCode.OK, (await TxnAsync(leader, [Op("set", "ro/a", "YQ==")])).Status);
        foreach (var server in _datacenter.Servers)
        {
            var answer = await Poll.UntilAsync(
                () => TxnAsync(server, [Op("get", "ro/a"), Op("check-not-exists", "ro/b")], "?stale"),
                a => a.Status == HttpStatusCode.OK,
                $"{server} to answer the read-only transaction",
                Datacenter.Deadline);
            var body = JsonNode.Parse(answer.Body)!;
            Assert.Equal("YQ==", body["Results"]![0]!["KV"]!["Value"]!.GetValue<string>());
            Assert.Single(body["Results"]!.AsArray());
            // Consul answers a TxnReadResponse: the query metadata rides in the body, X-Consul-Index is not set.
            Assert.Equal("true", answer.Header("X-Consul-KnownLeader"));
            Assert.NotNull(answer.Header("X-Consul-LastContact"));
            Assert.Null(answer.Header("X-Consul-Index"));
            Assert.True(body["KnownLeader"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task More_than_64_operations_is_refused_with_413()
    {
        var leader = await _datacenter.WaitForLeaderAsync();
        var ok = await TxnAsync(leader, [.. Enumerable.Range(0, 64).Select(i => Op("set", $"many/{i}", "eA=="))]);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(64, JsonNode.Parse(ok.Body)!["Results"]!.AsArray().Count);

        var refused = await TxnAsync(leader, [.. Enumerable.Range(0, 65).Select(i => Op("delete", $"many/{i}"))]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.Status);
        Assert.Equal("Transaction contains too many operations (65 > 64)", refused.Body);
        Assert.Equal("x", await leader.Http.GetStringAsync("/v1/kv/many/0?raw"));

        var malformed = await leader.CallAsync(HttpMethod.Put, "/v1/txn", "{");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.StartsWith("Failed to parse body: ", malformed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_agent_forwards_writes_and_read_only_transactions_to_the_servers()
    {
        await _datacenter.WaitForLeaderAsync();
        var client = await _datacenter.AddClientAsync();
        var written = await Poll.UntilAsync(
            () => TxnAsync(client, [Op("set", "client/a", "YQ==")]),
            a => a.Status == HttpStatusCode.OK,
            "a transaction through the client agent",
            Datacenter.Deadline);
        Assert.Null(JsonNode.Parse(written.Body)!["Results"]![0]!["KV"]!["Value"]);

        var read = await TxnAsync(client, [Op("get", "client/a")]);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("YQ==", JsonNode.Parse(read.Body)!["Results"]![0]!["KV"]!["Value"]!.GetValue<string>());

        var refused = await TxnAsync(client, [Op("check-not-exists", "client/a"), Op("set", "client/b", "Yg==")]);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("""{"Results":null,"Errors":[{"OpIndex":0,"What":"key \"client/a\" exists"}]}""", refused.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await client.CallAsync(HttpMethod.Get, "/v1/kv/client/b")).Status);
    }

    private static JsonObject Op(string verb, string key, string? value = null, ulong? index = null, string? session = null, ulong? flags = null)
    {
        var kv = new JsonObject { ["Verb"] = verb, ["Key"] = key };
        if (value is not null)
        {
            kv["Value"] = value;
        }
        if (index is not null)
        {
            kv["Index"] = index;
        }
        if (session is not null)
        {
            kv["Session"] = session;
        }
        if (flags is not null)
        {
            kv["Flags"] = flags;
        }
        return new JsonObject { ["KV"] = kv };
    }

    private static string Value(int number) => Convert.ToBase64String(Encoding.UTF8.GetBytes(number.ToString(CultureInfo.InvariantCulture)));

    private static Task<ApiAnswer> TxnAsync(DatacenterAgent server, JsonObject[] ops, string query = "") =>
        server.CallAsync(HttpMethod.Put, "/v1/txn" + query, new JsonArray([.. ops]).ToJsonString());

    /// <summary>The keys' numbers and ModifyIndexes, read in one read-only transaction.</summary>
    private static async Task<(int[] Values, ulong[] Indexes)> ReadAsync(DatacenterAgent server, string[] keys, string query = "")
    {
        var answer = await TxnAsync(server, [.. keys.Select(k => Op("get", k))], query);
        if (answer.Status != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"read of {string.Join(", ", keys)}: {answer}");
        }
        var results = JsonNode.Parse(answer.Body)!["Results"]!.AsArray();
        var values = results.Select(r => int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(r!["KV"]!["Value"]!.GetValue<string>())), CultureInfo.InvariantCulture)).ToArray();
        return (values, [.. results.Select(r => r!["KV"]!["ModifyIndex"]!.GetValue<ulong>())]);
    }
}
