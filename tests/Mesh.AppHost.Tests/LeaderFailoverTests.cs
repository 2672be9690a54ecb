using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace Mesh.AppHost.Tests;

[Collection(AppHostCollection.Name)]
public sealed class LeaderFailoverTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Servers = ["dc1-server-1", "dc1-server-2", "dc1-server-3"];

    [Fact]
    public async Task Each_server_shows_its_raft_role_and_one_is_the_leader()
    {
        var roles = await DemoDatacenterTests.UntilAsync(
            () => Task.FromResult(string.Join(",", Servers.Select(Role))),
            r => r.Split(",").Count(x => x == "leader") == 1 && r.Split(",").Count(x => x == "follower") == 2,
            "one leader and two followers in the resource properties");
        output.WriteLine(roles);
        foreach (var server in Servers)
        {
            Assert.True(ulong.TryParse(Property(server, "mesh.raft.term"), out var term) && term > 0, $"{server} term");
            Assert.True(ulong.TryParse(Property(server, "mesh.raft.last_index"), out var index) && index > 0, $"{server} last index");
        }
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState("dc1", out var datacenter));
        Assert.Equal(KnownResourceStates.Running, datacenter.Snapshot.State?.Text);
    }

    [Fact]
    public async Task The_server_commands_save_a_snapshot_and_hand_leadership_over()
    {
        var leader = await LeaderAsync();

        var snapshot = await fixture.App.ResourceCommands.ExecuteCommandAsync(leader, "mesh-snapshot-save");
        Assert.True(snapshot.Success, snapshot.Message);
        var file = new FileInfo(snapshot.Message!["Saved ".Length..]);
        Assert.True(file.Exists && file.Length > 0, file.FullName);
        file.Delete();

        var transferred = await fixture.App.ResourceCommands.ExecuteCommandAsync(leader, "mesh-transfer-leader");
        Assert.True(transferred.Success, transferred.Message);
        var next = await DemoDatacenterTests.UntilAsync(
            () => Task.FromResult(Servers.SingleOrDefault(s => Role(s) == "leader")), l => l is not null && l != leader, "another leader");
        output.WriteLine($"leadership moved from {leader} to {next}");
    }

    [Fact]
    public async Task Stopping_the_leader_server_elects_another_and_the_mesh_keeps_working()
    {
        var leader = await LeaderAsync();
        var survivors = Servers.Where(s => s != leader).ToList();
        using var survivor = new HttpClient { BaseAddress = fixture.App.GetEndpoint(survivors[0], "http"), Timeout = TimeSpan.FromSeconds(10) };
        using var dashboard = new HttpClient { BaseAddress = fixture.App.GetEndpoint("dashboard", "http"), Timeout = TimeSpan.FromSeconds(10) };

        try
        {
            // Aspire gives a stop 20 s to be confirmed, which a loaded machine can exceed; what counts is that the
            // server is down, whenever the command returns.
            var stopped = await fixture.App.ResourceCommands.ExecuteCommandAsync(leader, KnownResourceCommands.StopCommand);
            output.WriteLine($"stop {leader}: {(stopped.Success ? "confirmed" : stopped.Message)}");
            await fixture.App.ResourceNotifications.WaitForResourceAsync(leader, KnownResourceStates.TerminalStates).WaitAsync(TimeSpan.FromMinutes(1));

            var next = await DemoDatacenterTests.UntilAsync(
                () => Task.FromResult(survivors.SingleOrDefault(s => Role(s) == "leader")), l => l is not null, "a new leader among the survivors");
            output.WriteLine($"stopped {leader}; new leader {next}");
            await DemoDatacenterTests.UntilAsync(
                () => Task.FromResult((Property("dc1", "mesh.leader"), Property("dc1", "mesh.servers"), Role(leader))),
                dc => dc == (next, "2/3 up", "unreachable"), "the datacenter to show the new leader and a server down");

            for (var i = 0; i < 5; i++)
            {
                await DemoDatacenterTests.UntilAsync(
                    async () => (await survivor.PutAsync($"/v1/kv/apphost/failover/{i}", new StringContent("ok"))).StatusCode,
                    status => status == HttpStatusCode.OK, $"KV write {i} to succeed");
            }
            Assert.Equal("ok", await survivor.GetStringAsync("/v1/kv/apphost/failover/4?raw"));

            var count = await DemoDatacenterTests.UntilAsync(
                () => dashboard.GetAsync("/api/count"), r => r.StatusCode == HttpStatusCode.OK, "a count with the leader stopped");
            Assert.True((await count.Content.ReadFromJsonAsync<CountReading>())!.Count > 0);
        }
        finally
        {
            var started = await fixture.App.ResourceCommands.ExecuteCommandAsync(leader, KnownResourceCommands.StartCommand);
            Assert.True(started.Success, started.Message);
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(leader).WaitAsync(TimeSpan.FromMinutes(2));
        }
        // Back from its data directory, the old leader follows the new one.
        await DemoDatacenterTests.UntilAsync(
            () => Task.FromResult((Property("dc1", "mesh.servers"), Role(leader))), dc => dc == ("3/3 up", "follower"), "the restarted server to follow");
    }

    private async Task<string> LeaderAsync() => (await DemoDatacenterTests.UntilAsync(
        () => Task.FromResult(Servers.SingleOrDefault(s => Role(s) == "leader")), l => l is not null, "a leader"))!;

    private string? Role(string server) => Property(server, "mesh.raft.role");

    private string? Property(string server, string name) =>
        fixture.App.ResourceNotifications.TryGetCurrentState(server, out var state)
            ? state.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value as string
            : null;

    private sealed record CountReading(long Count);
}
