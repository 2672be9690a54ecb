using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mesh.Server.Tests.Process;

/// <summary>
/// The operator's view of a datacenter of three real servers: the Raft peer table, removing a dead server,
/// snapshots saved from one server and restored on all, handing leadership over, and a leader that leaves.
/// </summary>
public sealed partial class RaftOperationsTests : IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("mesh-raft-files-");

    public void Dispose() => _files.Delete(recursive: true);

    [Fact]
    public async Task List_peers_shows_every_server_and_any_agent_asks_the_servers_who_leads()
    {
        await using var cluster = await RaftServers.StartAsync();
        var leader = await cluster.AgreedLeaderAsync();
        var follower = cluster.Servers.First(s => s != leader);
        await PutAsync(leader, "peers/probe", "x");

        var peers = await follower.CliAsync("operator", "raft", "list-peers");

        Assert.Equal(0, peers.ExitCode);
        var lines = peers.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^Node\s+ID\s+Address\s+State\s+Voter\s+RaftProtocol\s+Commit Index\s+Trails Leader By$", lines[0]);
        Assert.Equal(4, lines.Length);
        foreach (var server in cluster.Servers)
        {
            var row = Assert.Single(lines, l => l.Contains(RaftServers.ServerAddress(server), StringComparison.Ordinal));
            var state = server == leader ? "leader" : "follower";
            var trails = server == leader ? "-" : @"\d+ commits?";
            Assert.Matches($@"^s\d\s+{RaftServers.IdOf(server)}\s+{Regex.Escape(RaftServers.ServerAddress(server))}\s+{state}\s+true\s+3\s+\d+\s+{trails}$", row);
        }
        // A follower forwards to the leader, which knows how far each log reaches.
        var configuration = RaftServers.Configuration(follower);
        Assert.Equal(RaftServers.IdOf(leader), configuration.GetProperty("Servers").EnumerateArray().Single(s => s.GetProperty("Leader").GetBoolean()).GetProperty("ID").GetString());
        Assert.All(configuration.GetProperty("Servers").EnumerateArray(), s => Assert.True(s.GetProperty("LastIndex").GetUInt64() > 0));

        // A client agent asks a server rather than guessing.
        var clientData = Directory.CreateDirectory(Path.Combine(_files.FullName, "client"));
        await using var client = await AgentProcess.StartAsync(
            "-node=c1", "-bind=127.0.0.1", $"-data-dir={clientData.FullName}", $"-retry-join={leader.SerfAddress}");
        await Eventually.TrueAsync(() => Text(client, "/v1/status/leader") == $"\"{RaftServers.ServerAddress(leader)}\"", "the client to report the leader", RaftServers.Deadline);
        var clientPeers = await client.Http.GetFromJsonAsync<string[]>("/v1/status/peers");
        Assert.Equal(cluster.Servers.Select(RaftServers.ServerAddress).Order(), clientPeers!.Order());
        var throughClient = await client.CliAsync("operator", "raft", "list-peers");
        Assert.Equal(0, throughClient.ExitCode);
        Assert.Equal(4, throughClient.Stdout.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public async Task A_snapshot_saved_from_one_server_is_restored_on_every_server()
    {
        await using var cluster = await RaftServers.StartAsync();
        var leader = await cluster.AgreedLeaderAsync();
        var followers = cluster.Servers.Where(s => s != leader).ToList();
        await PutAsync(leader, "app/color", "blue");
        await PutAsync(leader, "app/size", "large");
        var file = Path.Combine(_files.FullName, "backup.snap");

        var saved = await followers[0].CliAsync("snapshot", "save", file);

        var index = ulong.Parse(Assert.Single(SavedIndex().Matches(saved.Stdout)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(("", 0), (saved.Stderr, saved.ExitCode));
        var inspected = await leader.CliAsync("snapshot", "inspect", file);
        Assert.Equal(0, inspected.ExitCode);
        Assert.Matches($@"^ ID {{11}}\d+-{index}-\d+\n Size {{9}}\d+\n Index {{8}}{index}\n Term {{9}}\d+\n Version {{6}}1\n", inspected.Stdout);
        Assert.Matches(@"\n KVS +2 +\d+B\n", inspected.Stdout);

        await PutAsync(leader, "app/color", "red");
        await PutAsync(leader, "app/shape", "round");
        using (var deleted = await leader.Http.DeleteAsync("/v1/kv/app/size"))
        {
            deleted.EnsureSuccessStatusCode();
        }

        var restored = await followers[1].CliAsync("snapshot", "restore", file);

        Assert.Equal(("Restored snapshot\n", "", 0), (restored.Stdout, restored.Stderr, restored.ExitCode));
        foreach (var server in cluster.Servers)
        {
            // Stale reads: each server's own state, once the restore reached it.
            await Eventually.TrueAsync(() => StaleKeys(server) == "app/color=blue,app/size=large", $"{server.HttpAddress} to hold the snapshot's keys", RaftServers.Deadline);
        }
        // The datacenter goes on from there: writes after the restore reach every server.
        await PutAsync(followers[0], "after/restore", "yes");
        foreach (var server in cluster.Servers)
        {
            await Eventually.TrueAsync(() => StaleKeys(server).Contains("after/restore=yes", StringComparison.Ordinal), "the write after the restore everywhere", RaftServers.Deadline);
        }
    }

    [Fact]
    public async Task Leadership_is_handed_to_the_server_named()
    {
        await using var cluster = await RaftServers.StartAsync();
        var leader = await cluster.AgreedLeaderAsync();
        var target = cluster.Servers.Last(s => s != leader);

        var transfer = await leader.CliAsync("operator", "raft", "transfer-leader", $"-id={RaftServers.IdOf(target)}");

        Assert.Equal(new CliResult(0, "Success\n", ""), transfer);
        Assert.Equal(target, await cluster.AgreedLeaderAsync());
    }

    [Fact]
    public async Task A_killed_server_is_removed_from_the_configuration_by_remove_peer()
    {
        // Without autopilot's cleanup, a dead server stays a voter until an operator removes it.
        await using var cluster = await RaftServers.StartAsync("autopilot { cleanup_dead_servers = false }");
        var leader = await cluster.AgreedLeaderAsync();
        var victim = cluster.Servers.First(s => s != leader);
        var survivor = cluster.Servers.First(s => s != leader && s != victim);
        var victimId = RaftServers.IdOf(victim);
        await victim.KillAsync();

        var unknown = await survivor.CliAsync("operator", "raft", "remove-peer", "-address=127.0.0.1:1");
        var removed = await survivor.CliAsync("operator", "raft", "remove-peer", $"-id={victimId}");

        Assert.Equal(new CliResult(1, "", "Error removing peer: Unexpected response code: 500 (address \"127.0.0.1:1\" was not found in the Raft configuration)\n"), unknown);
        Assert.Equal(new CliResult(0, $"Removed peer with id \"{victimId}\"\n", ""), removed);
        foreach (var server in new[] { leader, survivor })
        {
            await Eventually.TrueAsync(() => !RaftServers.Configuration(server, stale: true).GetRawText().Contains(victimId, StringComparison.Ordinal), "the dead server out of every configuration", RaftServers.Deadline);
        }
        var peers = await survivor.CliAsync("operator", "raft", "list-peers");
        Assert.Equal(3, peers.Stdout.TrimEnd('\n').Split('\n').Length);
        Assert.DoesNotContain(victimId, peers.Stdout, StringComparison.Ordinal);
        // Two of two voters are a quorum: the datacenter still takes writes.
        await PutAsync(survivor, "still/writable", "yes");
    }

    [Fact]
    public async Task The_leader_leaving_hands_leadership_over_and_the_configuration_shrinks_to_two()
    {
        await using var cluster = await RaftServers.StartAsync();
        var leader = await cluster.AgreedLeaderAsync();
        var leaderId = RaftServers.IdOf(leader);
        var others = cluster.Servers.Where(s => s != leader).ToList();

        var leave = await leader.CliAsync("leave");

        Assert.Equal(new CliResult(0, "Graceful leave complete\n", ""), leave);
        Assert.Equal(0, await leader.WaitForExitAsync(RaftServers.Deadline));
        var newLeader = await cluster.AgreedLeaderAsync();
        Assert.Contains(newLeader, others);
        var configuration = RaftServers.Configuration(newLeader);
        Assert.Equal(
            others.Select(RaftServers.IdOf).Order(),
            configuration.GetProperty("Servers").EnumerateArray().Select(s => s.GetProperty("ID").GetString()).Order());
        Assert.DoesNotContain(leaderId, RaftServers.Configuration(others.Single(s => s != newLeader), stale: true).GetRawText(), StringComparison.Ordinal);
        Assert.Contains("Leaving: handed Raft leadership over", leader.Output, StringComparison.Ordinal);
        await PutAsync(others[0], "after/leave", "yes");
    }

    private static async Task PutAsync(AgentProcess agent, string key, string value)
    {
        using var put = await agent.Http.PutAsync($"/v1/kv/{key}", new StringContent(value));
        Assert.Equal((HttpStatusCode.OK, "true"), (put.StatusCode, await put.Content.ReadAsStringAsync()));
    }

    /// <summary>The server's own KV pairs ("k=v,..." in key order), without asking the leader.</summary>
    private static string StaleKeys(AgentProcess server)
    {
        using var response = server.Http.GetAsync("/v1/kv/?recurse&stale").GetAwaiter().GetResult();
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return "";
        }
        var pairs = response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
        return string.Join(',', pairs.EnumerateArray().Select(p =>
            $"{p.GetProperty("Key").GetString()}={System.Text.Encoding.UTF8.GetString(p.GetProperty("Value").GetBytesFromBase64())}"));
    }

    private static string Text(AgentProcess agent, string path)
    {
        using var response = agent.Http.GetAsync(path).GetAwaiter().GetResult();
        return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
    }

    [GeneratedRegex(@"^Saved and verified snapshot to index (\d+)\n$")]
    private static partial Regex SavedIndex();
}
