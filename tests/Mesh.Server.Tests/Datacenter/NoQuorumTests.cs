using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>One server of three left: it cannot elect a leader, so only stale reads are answered.</summary>
[Collection(DatacenterCollection.Name)]
public sealed class NoQuorumTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FailureBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Without_quorum_writes_and_default_reads_fail_with_no_cluster_leader_and_stale_reads_answer()
    {
        await using var datacenter = await Datacenter.StartAsync(output);
        var leader = await datacenter.WaitForLeaderAsync();
        Assert.True(await leader.PutAsync("quorum/before", "kept"));
        var followers = datacenter.Servers.Where(s => s != leader).ToList();
        var survivor = followers[0];
        await Poll.UntilAsync(
            async () => (await survivor.CallAsync(HttpMethod.Get, "/v1/kv/quorum/before?raw&stale")).Body == "kept",
            $"{survivor} to have applied the write", Datacenter.Deadline);

        await Task.WhenAll(leader.KillAsync(), followers[1].KillAsync());
        datacenter.Log($"killed {leader} and {followers[1]}");

        await AssertNoLeaderAsync(survivor, HttpMethod.Put, "/v1/kv/quorum/after", "lost");
        await AssertNoLeaderAsync(survivor, HttpMethod.Get, "/v1/kv/quorum/before");
        datacenter.Log("write and default read refused");
        var stale = await Poll.UntilAsync(
            () => survivor.CallAsync(HttpMethod.Get, "/v1/kv/quorum/before?raw&stale"),
            answer => answer.Header("X-Consul-KnownLeader") == "false",
            $"a stale read on {survivor} to know no leader",
            Datacenter.Deadline);
        datacenter.Log($"stale read: {stale}");
        Assert.Equal(HttpStatusCode.OK, stale.Status);
        Assert.Equal("kept", stale.Body);
        Assert.NotNull(stale.Header("X-Consul-LastContact"));
    }

    private async Task AssertNoLeaderAsync(DatacenterAgent survivor, HttpMethod method, string path, string? body = null)
    {
        var clock = Stopwatch.StartNew();
        var answer = await survivor.CallAsync(method, path, body);
        output.WriteLine($"{method} {path}: {answer} after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("No cluster leader", answer.Body.Trim());
        // It waits for a leader for the hold timeout before giving up.
        Assert.InRange(clock.Elapsed, Datacenter.HoldTimeout, FailureBound);
    }
}
