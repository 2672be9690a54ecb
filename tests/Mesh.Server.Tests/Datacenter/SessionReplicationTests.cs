using System.Net;
using System.Text.Json;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>Sessions and locks are replicated state: written through a follower, held on every server.</summary>
[Collection(DatacenterCollection.Name)]
public sealed class SessionReplicationTests(DatacenterFixture fixture) : IClassFixture<DatacenterFixture>
{
    private readonly Datacenter _datacenter = fixture.Datacenter;

    [Fact]
    public async Task A_session_and_its_lock_made_on_a_follower_are_on_every_server()
    {
        var leader = await _datacenter.WaitForLeaderAsync();
        var follower = _datacenter.Servers.First(s => s != leader);
        // A session needs its node's serfHealth, which the leader registers from gossip.
        await Poll.UntilAsync(() => leader.SerfHealthAsync(follower.Name), status => status == "passing", $"serfHealth of {follower.Name}", Datacenter.Deadline);

        var created = await follower.CallAsync(HttpMethod.Put, "/v1/session/create", """{"Name":"replicated","LockDelay":"0s"}""");
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var id = JsonDocument.Parse(created.Body).RootElement.GetProperty("ID").GetString()!;
        Assert.Equal("true", (await follower.CallAsync(HttpMethod.Put, $"/v1/kv/replicated/lock?acquire={id}", "held")).Body);

        foreach (var server in _datacenter.Servers)
        {
            var session = await Poll.UntilAsync(
                () => server.CallAsync(HttpMethod.Get, $"/v1/session/info/{id}?stale"),
                answer => answer.Status == HttpStatusCode.OK && answer.Body.Contains(id, StringComparison.Ordinal),
                $"the session on {server}",
                Datacenter.Deadline);
            Assert.Equal(follower.Name, JsonDocument.Parse(session.Body).RootElement[0].GetProperty("Node").GetString());
            await Poll.UntilAsync(
                () => server.CallAsync(HttpMethod.Get, "/v1/kv/replicated/lock?stale"),
                answer => answer.Status == HttpStatusCode.OK && answer.Body.Contains($"\"Session\":\"{id}\"", StringComparison.Ordinal),
                $"the lock on {server}",
                Datacenter.Deadline);
        }

        Assert.Equal("true", (await follower.CallAsync(HttpMethod.Put, $"/v1/session/destroy/{id}")).Body);
        foreach (var server in _datacenter.Servers)
        {
            await Poll.UntilAsync(
                () => server.CallAsync(HttpMethod.Get, "/v1/kv/replicated/lock?stale"),
                answer => answer.Status == HttpStatusCode.OK && !answer.Body.Contains("\"Session\"", StringComparison.Ordinal),
                $"the lock released on {server}",
                Datacenter.Deadline);
        }
    }
}
