using System.Net;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

/// <summary>Pool-wide keyring operations between real agents on 127.0.0.1 (UDP and TCP), through gossip queries.</summary>
public sealed class GossipKeyringTests : IAsyncLifetime
{
    private static readonly GossipOptions Fast = new()
    {
        ProbeInterval = TimeSpan.FromMilliseconds(100),
        ProbeTimeout = TimeSpan.FromMilliseconds(50),
        GossipInterval = TimeSpan.FromMilliseconds(20),
        PushPullInterval = TimeSpan.FromSeconds(1),
        StreamTimeout = TimeSpan.FromSeconds(2),
        // Queries collect answers for 2 s (Consul's 3.2 s at its own gossip interval), not 0.32 s: room for a loaded machine.
        QueryTimeoutMult = 100,
    };

    private readonly List<GossipAgent> _agents = [];
    private readonly List<DirectoryInfo> _directories = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
        _directories.ForEach(directory => directory.Delete(recursive: true));
    }

    private GossipAgent StartAgent(string name, GossipKeyring? keyring, string? keyringFile = null)
    {
        var agent = GossipAgent.Start(new GossipAgentOptions
        {
            NodeName = name,
            BindAddress = IPAddress.Loopback,
            Port = 0,
            Keyring = keyring,
            KeyringFile = keyringFile,
            Protocol = Fast,
        });
        _agents.Add(agent);
        return agent;
    }

    private async Task<List<GossipAgent>> PoolAsync(int count, Func<int, GossipKeyring?> keyring)
    {
        var agents = Enumerable.Range(0, count).Select(i => StartAgent($"agent-{i}", keyring(i))).ToList();
        foreach (var agent in agents.Skip(1))
        {
            await agent.JoinAsync([agents[0].Address.ToString()]);
        }
        await Eventually.TrueAsync(
            () => agents.All(agent => agent.Members().Count(member => member.State == MemberState.Alive) == count),
            "every agent to see every other alive");
        return agents;
    }

    private static Dictionary<string, int> Counts(params (string Key, int Count)[] counts) => counts.ToDictionary(c => c.Key, c => c.Count);

    [Fact]
    public async Task Keys_rotate_across_the_pool_without_anyone_being_failed_and_the_old_key_is_then_locked_out()
    {
        var oldKey = GossipKeyring.GenerateKey();
        var newKey = GossipKeyring.GenerateKey();
        var agents = await PoolAsync(4, _ => new GossipKeyring(oldKey));
        var failures = new List<string>();
        using var watching = new CancellationTokenSource();
        var watchers = agents.Select(agent => Task.Run(async () =>
        {
            try
            {
                await foreach (var change in agent.WatchAsync(cancellationToken: watching.Token))
                {
                    if (change.Kind == MemberEventKind.Failed)
                    {
                        lock (failures)
                        {
                            failures.Add($"{agent.Name} saw {change.Member.Name} fail");
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Done watching.
            }
        })).ToList();

        var installed = await agents[1].KeyManager.ExecuteAsync(KeyringOperation.Install, newKey);
        var bothInstalled = await agents[2].KeyManager.ExecuteAsync(KeyringOperation.List, null);
        var used = await agents[3].KeyManager.ExecuteAsync(KeyringOperation.Use, newKey);
        var newPrimary = await agents[0].KeyManager.ExecuteAsync(KeyringOperation.List, null);
        // A few probe rounds and a push-pull on the new key while the old one still opens packets.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var removed = await agents[2].KeyManager.ExecuteAsync(KeyringOperation.Remove, oldKey);
        var onlyNew = await agents[1].KeyManager.ExecuteAsync(KeyringOperation.List, null);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal((4, 4, 0, (string?)null), (installed.NumNodes, installed.NumResponses, installed.NumErrors, installed.Error));
        Assert.Null(bothInstalled.Error);
        Assert.Equal(Counts((oldKey, 4), (newKey, 4)), bothInstalled.Keys);
        Assert.Equal(Counts((oldKey, 4)), bothInstalled.PrimaryKeys);
        Assert.Null(used.Error);
        Assert.Equal(Counts((newKey, 4)), newPrimary.PrimaryKeys);
        Assert.Null(removed.Error);
        Assert.Equal(Counts((newKey, 4)), onlyNew.Keys);
        Assert.All(agents, agent => Assert.Equal([newKey], agent.Keyring!.List()));
        // A loaded machine may get an agent suspected for a moment, never failed.
        Assert.All(agents, agent => Assert.Equal(4, agent.Members().Count(member => member.State is MemberState.Alive or MemberState.Suspect)));
        await watching.CancelAsync();
        await Task.WhenAll(watchers);
        Assert.Empty(failures);

        var stale = StartAgent("stale", new GossipKeyring(oldKey));
        await Assert.ThrowsAsync<GossipException>(() => stale.JoinAsync([agents[0].Address.ToString()]));
        var current = StartAgent("current", new GossipKeyring(newKey));
        await current.JoinAsync([agents[3].Address.ToString()]);
        await Eventually.TrueAsync(() => agents.All(agent => agent.Find("current")?.State == MemberState.Alive), "an agent with the new key to join");
        Assert.All(agents, agent => Assert.Null(agent.Find("stale")));
    }

    [Fact]
    public async Task A_key_is_made_primary_only_when_every_member_has_it()
    {
        var oldKey = GossipKeyring.GenerateKey();
        var newKey = GossipKeyring.GenerateKey();
        var agents = await PoolAsync(4, _ => new GossipKeyring(oldKey));
        foreach (var agent in agents.Take(3))
        {
            agent.Keyring!.Install(newKey);
        }

        var refused = await agents[0].KeyManager.ExecuteAsync(KeyringOperation.Use, newKey);

        Assert.Equal("1/4 nodes reported failure", refused.Error);
        Assert.Equal(new Dictionary<string, string> { ["agent-3"] = "Requested key is not in the keyring" }, refused.Messages);
        Assert.Equal((4, 4, 1), (refused.NumNodes, refused.NumResponses, refused.NumErrors));
        Assert.All(agents, agent => Assert.Equal(oldKey, agent.Keyring!.PrimaryKey));
    }

    [Fact]
    public async Task The_primary_key_cannot_be_removed_and_a_key_that_is_no_key_is_refused_before_asking_anyone()
    {
        var key = GossipKeyring.GenerateKey();
        var agents = await PoolAsync(3, _ => new GossipKeyring(key));

        var primary = await agents[1].KeyManager.ExecuteAsync(KeyringOperation.Remove, key);
        var notBase64 = await agents[1].KeyManager.ExecuteAsync(KeyringOperation.Install, "not a key!");
        var tooShort = await agents[1].KeyManager.ExecuteAsync(KeyringOperation.Use, Convert.ToBase64String(new byte[5]));

        Assert.Equal("3/3 nodes reported failure", primary.Error);
        Assert.Equal(["agent-0", "agent-1", "agent-2"], primary.Messages.Keys);
        Assert.All(primary.Messages.Values, message => Assert.Equal("Removing the primary key is not allowed", message));
        Assert.All(agents, agent => Assert.Equal([key], agent.Keyring!.List()));
        Assert.Equal(("the encryption key is not valid base64", 0, 0), (notBase64.Error, notBase64.NumNodes, notBase64.NumResponses));
        Assert.Equal("the encryption key must be 16, 24 or 32 bytes, not 5", tooShort.Error);
        Assert.Equal(0, tooShort.NumNodes);
    }

    [Fact]
    public async Task Without_encryption_every_member_says_so_in_Serfs_words()
    {
        var agents = await PoolAsync(3, _ => null);

        var listed = await agents[0].KeyManager.ExecuteAsync(KeyringOperation.List, null);
        var installed = await agents[2].KeyManager.ExecuteAsync(KeyringOperation.Install, GossipKeyring.GenerateKey());

        Assert.Equal("3/3 nodes reported failure", listed.Error);
        Assert.All(listed.Messages.Values, message => Assert.Equal("Keyring is empty (encryption not enabled)", message));
        Assert.Empty(listed.Keys);
        Assert.Equal("3/3 nodes reported failure", installed.Error);
        Assert.All(installed.Messages.Values, message => Assert.Equal("No keyring to modify (encryption not enabled)", message));
    }

    [Fact]
    public async Task Changes_are_saved_to_the_keyring_file_which_a_restart_starts_from()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-keyring-");
        _directories.Add(directory);
        var file = GossipKeyringFile.PathIn(directory.FullName);
        var oldKey = GossipKeyring.GenerateKey();
        var newKey = GossipKeyring.GenerateKey();
        var keyring = GossipKeyringFile.Open(file, oldKey);
        var agent = StartAgent("solo", keyring, file);

        Assert.Null((await agent.KeyManager.ExecuteAsync(KeyringOperation.Install, newKey)).Error);
        Assert.Null((await agent.KeyManager.ExecuteAsync(KeyringOperation.Use, newKey)).Error);

        Assert.Equal($"[\"{newKey}\",\"{oldKey}\"]", await File.ReadAllTextAsync(file));
        // On restart the file wins over the configured key, which stays installed so old members can still be read.
        var restarted = GossipKeyringFile.Open(file, oldKey);
        Assert.Equal([newKey, oldKey], restarted!.List());
        var another = GossipKeyring.GenerateKey();
        Assert.Equal([newKey, oldKey, another], GossipKeyringFile.Open(file, another)!.List());
    }

    [Fact]
    public async Task A_broken_keyring_file_stops_the_start_with_one_clear_line()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-keyring-");
        _directories.Add(directory);
        var file = GossipKeyringFile.PathIn(directory.FullName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        await File.WriteAllTextAsync(file, "[]");
        var empty = Assert.Throws<GossipException>(() => GossipKeyringFile.Open(file, null));
        await File.WriteAllTextAsync(file, "[\"abc\"]");
        var invalid = Assert.Throws<GossipException>(() => GossipKeyringFile.Open(file, null));
        await File.WriteAllTextAsync(file, "{");
        var garbage = Assert.Throws<GossipException>(() => GossipKeyringFile.Open(file, null));

        Assert.Equal($"gossip: no keys present in keyring file {file}", empty.Message);
        Assert.StartsWith($"gossip: invalid key in keyring file {file}: ", invalid.Message);
        Assert.StartsWith($"gossip: cannot read the keyring file {file}: ", garbage.Message);
        Assert.Null(GossipKeyringFile.Open(Path.Combine(directory.FullName, "absent"), null));
    }

    [Fact]
    public async Task A_query_is_answered_by_every_agent_with_its_own_handler()
    {
        var agents = await PoolAsync(3, _ => null);
        foreach (var agent in agents)
        {
            agent.HandleQueries("whoami", (query, _) => Task.FromResult<byte[]?>(System.Text.Encoding.UTF8.GetBytes($"{agent.Name} heard {query.Origin}")));
        }

        var result = await agents[1].QueryAsync("whoami", []);
        var unanswered = await agents[1].QueryAsync("nobody-handles-this", [], new GossipQueryParameters { Timeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(3, result.Expected);
        Assert.Equal(agents.Select(agent => $"{agent.Name} heard agent-1"), result.Responses.OrderBy(r => r.Key).Select(r => System.Text.Encoding.UTF8.GetString(r.Value)));
        Assert.Equal((3, 0), (unanswered.Expected, unanswered.Responses.Count));
    }
}
