using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Server.Tests.Process;

/// <summary>
/// A LAN pool of real agents on loopback: a server and client agents that find it through gossip, run their
/// checks, and answer reads and writes through it; failures show up in the catalog as serfHealth.
/// </summary>
public sealed class GossipPoolTests : IDisposable
{
    private static readonly TimeSpan Detection = TimeSpan.FromSeconds(45);
    private readonly List<DirectoryInfo> _dataDirs = [];

    public void Dispose() => _dataDirs.ForEach(d => d.Delete(recursive: true));

    private Task<AgentProcess> ServerAsync() => AgentProcess.StartAsync("-dev", "-node=server1");

    private Task<AgentProcess> ClientAsync(string name, AgentProcess server, DirectoryInfo? dataDir = null, AgentPorts? ports = null)
    {
        if (dataDir is null)
        {
            dataDir = Directory.CreateTempSubdirectory("mesh-client-");
            _dataDirs.Add(dataDir);
        }
        return AgentProcess.StartAsync(ports ?? AgentPorts.Free(), $"-node={name}", "-bind=127.0.0.1", $"-data-dir={dataDir.FullName}", $"-retry-join={server.SerfAddress}");
    }

    /// <summary>A server with Consul's production gossip timings (1 s probes), unlike -dev's fast ones.</summary>
    private Task<AgentProcess> ProductionServerAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("mesh-server-");
        _dataDirs.Add(dataDir);
        return AgentProcess.StartAsync("-server", "-bootstrap-expect=1", "-node=server1", "-bind=127.0.0.1", $"-data-dir={dataDir.FullName}");
    }

    [Fact]
    public async Task Clients_join_through_gossip_and_a_killed_one_turns_critical()
    {
        await using var server = await ServerAsync();
        await using var client1 = await ClientAsync("client1", server);
        await using var client2 = await ClientAsync("client2", server);

        await Eventually.TrueAsync(() => SerfHealth(server) is { Count: 3 } health && health.Values.All(s => s == "passing"), "three passing nodes", Detection);
        var members = await client1.CliAsync("members");
        Assert.Equal(0, members.ExitCode);
        Assert.Matches(@"(?m)^server1\s+127\.0\.0\.1:\d+\s+alive\s+server\s", members.Stdout);
        Assert.Matches(@"(?m)^client2\s+127\.0\.0\.1:\d+\s+alive\s+client\s", members.Stdout);

        // A client agent answers reads and writes through the server.
        var put = await client1.CliAsync("kv", "put", "from/client", "hello");
        Assert.Equal("Success! Data written to: from/client\n", put.Stdout);
        Assert.Equal("hello", await server.Http.GetStringAsync("/v1/kv/from/client?raw"));

        await client2.KillAsync();

        await Eventually.TrueAsync(() => SerfHealth(server).GetValueOrDefault("client2") == "critical", "client2's serfHealth to go critical", Detection);
        var output = Checks(server, "client2").Single(c => c.GetProperty("CheckID").GetString() == "serfHealth").GetProperty("Output").GetString();
        Assert.Equal("Agent not live or unreachable", output);
        Assert.Equal("passing", SerfHealth(server)["client1"]);

        // force-leave turns the failed member into a left one, which the catalog drops; an alive one refuses.
        using (var alive = await server.Http.PutAsync("/v1/agent/force-leave/client1", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, alive.StatusCode);
        }
        using (var forced = await server.Http.PutAsync("/v1/agent/force-leave/client2", null))
        {
            Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        }
        await Eventually.TrueAsync(() => !SerfHealth(server).ContainsKey("client2"), "client2 to be deregistered after force-leave", Detection);
    }

    [Fact]
    public async Task A_client_agents_failing_check_shows_in_the_servers_health_view()
    {
        await using var server = await ServerAsync();
        await using var client = await ClientAsync("client1", server);
        var closedPort = MeshProcess.FreeTcpPort();

        using (var register = await client.Http.PutAsync("/v1/agent/service/register", new StringContent(
            $$$"""{"Name":"web","Port":{{{closedPort}}},"Check":{"HTTP":"http://127.0.0.1:{{{closedPort}}}/health","Interval":"1s"}}""")))
        {
            Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        }

        await Eventually.TrueAsync(
            () => ServiceChecks(server, "web").Any(c => c.GetProperty("Node").GetString() == "client1" && c.GetProperty("Status").GetString() == "critical"
                && c.GetProperty("Output").GetString()!.Contains("connection refused", StringComparison.Ordinal)),
            "the client's failing check in the server's catalog", Detection);
        var passing = await server.Http.GetFromJsonAsync<JsonElement>("/v1/health/service/web?passing");
        Assert.Equal(0, passing.GetArrayLength());
    }

    [Fact]
    public async Task A_member_paused_for_less_than_the_suspicion_timeout_is_not_failed_and_a_restarted_one_is_alive_again()
    {
        await using var server = await ProductionServerAsync();
        var dataDir = Directory.CreateTempSubdirectory("mesh-client-");
        _dataDirs.Add(dataDir);
        var client = await ClientAsync("client1", server, dataDir);
        try
        {
            await Eventually.TrueAsync(() => SerfHealth(server).GetValueOrDefault("client1") == "passing", "client1 passing", Detection);

            // SIGSTOP for less than the suspicion timeout: suspected perhaps, refuted on waking, never failed.
            var sawCritical = false;
            System.Diagnostics.Process.Start("kill", ["-STOP", client.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            var paused = System.Diagnostics.Stopwatch.StartNew();
            while (paused.Elapsed < TimeSpan.FromSeconds(2))
            {
                sawCritical |= SerfHealth(server).GetValueOrDefault("client1") == "critical";
                await Task.Yield();
            }
            System.Diagnostics.Process.Start("kill", ["-CONT", client.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            var resumed = System.Diagnostics.Stopwatch.StartNew();
            while (resumed.Elapsed < TimeSpan.FromSeconds(3))
            {
                sawCritical |= SerfHealth(server).GetValueOrDefault("client1") == "critical";
                await Task.Yield();
            }
            Assert.False(sawCritical, "a member paused for 2 s was declared failed");

            await client.KillAsync();
            await Eventually.TrueAsync(() => SerfHealth(server).GetValueOrDefault("client1") == "critical", "client1 critical after kill -9", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await client.DisposeAsync();
        }

        // A restart comes back at the same gossip address, and refutes its death with a higher incarnation.
        await using var restarted = await ClientAsync("client1", server, dataDir, client.Ports);
        await Eventually.TrueAsync(() => SerfHealth(server).GetValueOrDefault("client1") == "passing", "client1 alive again after restart", Detection);
    }

    [Fact]
    public async Task A_leaving_client_is_deregistered()
    {
        await using var server = await ServerAsync();
        await using var client = await ClientAsync("client1", server);
        await Eventually.TrueAsync(() => SerfHealth(server).ContainsKey("client1"), "client1 in the catalog", Detection);

        var leave = await client.CliAsync("leave");
        Assert.Equal(0, leave.ExitCode);

        await Eventually.TrueAsync(() => !SerfHealth(server).ContainsKey("client1"), "client1 to be deregistered", Detection);
    }

    [Fact]
    public async Task A_client_with_the_wrong_gossip_key_cannot_join()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var other = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray());
        await using var server = await AgentProcess.StartAsync("-dev", "-node=server1", $"-encrypt={key}");

        var dataDir = Directory.CreateTempSubdirectory("mesh-client-");
        _dataDirs.Add(dataDir);
        var joined = await MeshProcess.RunAsync(
            ["agent", "-node=intruder", "-bind=127.0.0.1", $"-data-dir={dataDir.FullName}", $"-join={server.SerfAddress}", $"-encrypt={other}",
             "-http-port", MeshProcess.StablePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "-dns-port", "-1",
             "-serf-lan-port", MeshProcess.StablePort().ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(1, joined.ExitCode);
        Assert.Contains("failed to join", joined.Stderr);
        Assert.DoesNotContain("intruder", await server.Http.GetStringAsync("/v1/agent/members"));
    }

    private static Dictionary<string, string> SerfHealth(AgentProcess server) =>
        Get(server, "/v1/health/state/any")
            .Where(c => c.GetProperty("CheckID").GetString() == "serfHealth")
            .ToDictionary(c => c.GetProperty("Node").GetString()!, c => c.GetProperty("Status").GetString()!);

    private static List<JsonElement> Checks(AgentProcess server, string node) => Get(server, $"/v1/health/node/{node}");

    private static List<JsonElement> ServiceChecks(AgentProcess server, string service) => Get(server, $"/v1/health/checks/{service}");

    private static List<JsonElement> Get(AgentProcess server, string path) =>
        [.. server.Http.GetFromJsonAsync<JsonElement>(path).GetAwaiter().GetResult().EnumerateArray()];
}
