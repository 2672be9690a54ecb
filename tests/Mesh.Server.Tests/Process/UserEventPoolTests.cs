using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Server.Tests.Process;

/// <summary>
/// User events over a real LAN pool of three agents: fired on one, gossiped to all, kept by those their filters
/// select, listed with Consul's blocking semantics, and fired from <c>mesh event</c>.
/// </summary>
public sealed class UserEventPoolTests : IAsyncLifetime
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);
    private readonly List<DirectoryInfo> _dataDirs = [];
    private readonly List<AgentProcess> _agents = [];

    private AgentProcess Server => _agents[0];

    private AgentProcess Client1 => _agents[1];

    private AgentProcess Client2 => _agents[2];

    public async Task InitializeAsync()
    {
        _agents.Add(await AgentProcess.StartAsync("-dev", "-node=server1"));
        foreach (var name in new[] { "client1", "client2" })
        {
            var dataDir = Directory.CreateTempSubdirectory("mesh-client-");
            _dataDirs.Add(dataDir);
            _agents.Add(await AgentProcess.StartAsync(AgentPorts.Free(), $"-node={name}", "-bind=127.0.0.1", $"-data-dir={dataDir.FullName}", $"-retry-join={Server.SerfAddress}"));
        }
        await Eventually.TrueAsync(async () => (await Server.Http.GetStringAsync("/v1/agent/members")).Split("\"Status\":1").Length == 4, "three alive members", Delivery);
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
        _dataDirs.ForEach(d => d.Delete(recursive: true));
    }

    [Fact]
    public async Task An_event_fired_on_one_agent_reaches_every_agent()
    {
        var fired = await FireAsync(Client2, "deploy", "v1.2");
        Assert.Equal(["ID", "Name", "Payload", "NodeFilter", "ServiceFilter", "TagFilter", "Version", "LTime"], fired.Select(p => p.Key));
        Assert.True(Guid.TryParse(fired["ID"]!.GetValue<string>(), out _));
        Assert.Equal(("deploy", "djEuMg==", 1, 0UL), (fired["Name"]!.GetValue<string>(), fired["Payload"]!.GetValue<string>(), fired["Version"]!.GetValue<int>(), fired["LTime"]!.GetValue<ulong>()));

        var id = fired["ID"]!.GetValue<string>();
        foreach (var agent in _agents)
        {
            var received = await ReceivedAsync(agent, id);
            Assert.Equal("djEuMg==", received["Payload"]!.GetValue<string>());
            Assert.True(received["LTime"]!.GetValue<ulong>() > 0);
        }

        // An empty body is a null payload.
        var empty = await FireAsync(Server, "restart", null);
        Assert.Null(empty["Payload"]);
    }

    [Fact]
    public async Task Node_and_service_filters_select_the_agents_that_keep_an_event()
    {
        using (var registered = await Client1.Http.PutAsync("/v1/agent/service/register", new StringContent("""{"Name":"web","Tags":["v1"],"Port":80}""")))
        {
            registered.EnsureSuccessStatusCode();
        }
        var toClient1 = (await FireAsync(Server, "node-only", "x", "node=%5Eclient1%24"))["ID"]!.GetValue<string>();
        var toWeb = (await FireAsync(Client2, "web-only", "x", "service=%5Eweb%24&tag=v1"))["ID"]!.GetValue<string>();
        var toOldWeb = (await FireAsync(Client2, "old-web", "x", "service=web&tag=v0"))["ID"]!.GetValue<string>();
        var marker = (await FireAsync(Client2, "marker", null))["ID"]!.GetValue<string>();

        await ReceivedAsync(Client1, toClient1);
        await ReceivedAsync(Client1, toWeb);
        foreach (var agent in _agents)
        {
            await ReceivedAsync(agent, marker);
        }
        // The marker was gossiped after them: by now the others saw the filtered events and dropped them.
        Assert.DoesNotContain(toOldWeb, await IdsAsync(Client1, ""));
        foreach (var agent in new[] { Server, Client2 })
        {
            var ids = await IdsAsync(agent, "");
            Assert.DoesNotContain(toClient1, ids);
            Assert.DoesNotContain(toWeb, ids);
        }
    }

    [Fact]
    public async Task The_list_filters_by_name_and_a_blocking_list_wakes_on_a_new_event()
    {
        using (var none = await Client1.Http.GetAsync("/v1/event/list"))
        {
            Assert.Equal("1", none.Headers.GetValues("X-Consul-Index").Single());
            Assert.Equal("[]", await none.Content.ReadAsStringAsync());
        }
        var first = (await FireAsync(Server, "a", "1"))["ID"]!.GetValue<string>();
        var second = (await FireAsync(Server, "b", "2"))["ID"]!.GetValue<string>();
        await ReceivedAsync(Client1, second);
        await ReceivedAsync(Client1, first);
        Assert.Equal([first], await IdsAsync(Client1, "a"));

        using var current = await Client1.Http.GetAsync("/v1/event/list?name=a");
        var index = current.Headers.GetValues("X-Consul-Index").Single();
        Assert.Equal(IndexOf(first), ulong.Parse(index, System.Globalization.CultureInfo.InvariantCulture));

        // Blocks at the current index: an event of another name does not wake it, a new "a" does.
        var blocked = Client1.Http.GetAsync($"/v1/event/list?name=a&index={index}&wait=60s");
        await FireAsync(Client2, "b", "3");
        var third = (await FireAsync(Client2, "a", "4"))["ID"]!.GetValue<string>();
        using var woken = await blocked.WaitAsync(Delivery);
        Assert.Equal(IndexOf(third).ToString(System.Globalization.CultureInfo.InvariantCulture), woken.Headers.GetValues("X-Consul-Index").Single());
        var events = JsonNode.Parse(await woken.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal([first, third], events.Select(e => e!["ID"]!.GetValue<string>()));

        // A short wait with nothing new answers the same list.
        using var timedOut = await Client1.Http.GetAsync($"/v1/event/list?name=a&index={IndexOf(third)}&wait=200ms");
        Assert.Equal(IndexOf(third).ToString(System.Globalization.CultureInfo.InvariantCulture), timedOut.Headers.GetValues("X-Consul-Index").Single());
    }

    [Fact]
    public async Task Bad_events_are_refused_with_consuls_messages()
    {
        using (var large = await Server.Http.PutAsync("/v1/event/fire/big", new ByteArrayContent(new byte[600])))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
            Assert.Equal("user event exceeds configured limit of 512 bytes before encoding", await large.Content.ReadAsStringAsync());
        }
        using (var tagOnly = await Server.Http.PutAsync("/v1/event/fire/x?tag=v1", null))
        {
            Assert.Equal((HttpStatusCode.BadRequest, "Cannot provide tag filter without service filter"), (tagOnly.StatusCode, await tagOnly.Content.ReadAsStringAsync()));
        }
        using (var badRegex = await Server.Http.PutAsync("/v1/event/fire/x?node=%5B", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badRegex.StatusCode);
            Assert.StartsWith("Invalid node filter: ", await badRegex.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var noName = await Server.Http.PutAsync("/v1/event/fire/", null))
        {
            Assert.Equal((HttpStatusCode.BadRequest, "Missing name"), (noName.StatusCode, await noName.Content.ReadAsStringAsync()));
        }

        var tooLarge = await Server.CliAsync("event", "-name", "big", new string('x', 600));
        Assert.Equal(1, tooLarge.ExitCode);
        Assert.Equal("Error firing event: Unexpected response code: 413 (user event exceeds configured limit of 512 bytes before encoding)\n", tooLarge.Stderr);
        var noFlag = await Server.CliAsync("event", "payload");
        Assert.Equal(1, noFlag.ExitCode);
        Assert.StartsWith("Event name must be specified\n", noFlag.Stderr, StringComparison.Ordinal);
        var tagWithoutService = await Server.CliAsync("event", "-name", "x", "-tag", "v1");
        Assert.Equal((1, "Cannot provide tag filter without service filter.\n"), (tagWithoutService.ExitCode, tagWithoutService.Stderr));
    }

    [Fact]
    public async Task The_event_command_prints_the_id_of_the_event_it_fired()
    {
        var result = await Client1.CliAsync("event", "-name", "deploy", "-node", "client", "payload text");
        Assert.True(result.ExitCode == 0, result.ToString());
        var match = System.Text.RegularExpressions.Regex.Match(result.Stdout, "^Event ID: ([0-9a-f-]{36})\n$");
        Assert.True(match.Success, result.Stdout);
        var received = await ReceivedAsync(Client2, match.Groups[1].Value);
        Assert.Equal(("deploy", "payload text", "client"), (received["Name"]!.GetValue<string>(), Encoding.UTF8.GetString(Convert.FromBase64String(received["Payload"]!.GetValue<string>())), received["NodeFilter"]!.GetValue<string>()));
        Assert.Empty(await IdsAsync(Server, "deploy"));
    }

    private static async Task<JsonObject> FireAsync(AgentProcess agent, string name, string? payload, string query = "")
    {
        using var content = payload is null ? null : new StringContent(payload);
        using var response = await agent.Http.PutAsync($"/v1/event/fire/{name}?{query}", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>The event <paramref name="id"/> once <paramref name="agent"/> lists it.</summary>
    private static async Task<JsonObject> ReceivedAsync(AgentProcess agent, string id)
    {
        JsonObject? found = null;
        await Eventually.TrueAsync(async () =>
        {
            var events = JsonNode.Parse(await agent.Http.GetStringAsync("/v1/event/list"))!.AsArray();
            found = events.Select(e => e!.AsObject()).FirstOrDefault(e => e["ID"]!.GetValue<string>() == id);
            return found is not null;
        }, $"event {id} on {agent.HttpAddress}", Delivery);
        return found!;
    }

    private static async Task<List<string>> IdsAsync(AgentProcess agent, string name) =>
        [.. JsonNode.Parse(await agent.Http.GetStringAsync($"/v1/event/list?name={name}"))!.AsArray().Select(e => e!["ID"]!.GetValue<string>())];

    // Consul's index of an event list: the two halves of the newest event's UUID XORed.
    private static ulong IndexOf(string id)
    {
        var hex = id.Replace("-", "", StringComparison.Ordinal);
        return Convert.ToUInt64(hex[..16], 16) ^ Convert.ToUInt64(hex[16..], 16);
    }
}
