using System.Net;
using System.Text.Json.Nodes;

namespace Mesh.Server.Tests.Process;

/// <summary>User events on an agent with gossip off (serf_lan = -1): they reach that agent alone.</summary>
public sealed class SoloUserEventTests
{
    [Fact]
    public async Task An_event_fired_without_gossip_is_delivered_locally_with_a_lamport_time()
    {
        await using var agent = await AgentProcess.StartAsync(AgentPorts.Free() with { SerfLan = -1 }, "-dev");
        using var fired = await agent.Http.PutAsync("/v1/event/fire/deploy", new StringContent("v1"));
        Assert.Equal(HttpStatusCode.OK, fired.StatusCode);
        var id = JsonNode.Parse(await fired.Content.ReadAsStringAsync())!["ID"]!.GetValue<string>();

        var events = JsonNode.Parse(await agent.Http.GetStringAsync("/v1/event/list"))!.AsArray();
        var received = Assert.Single(events)!;
        Assert.Equal((id, "djE=", 1UL), (received["ID"]!.GetValue<string>(), received["Payload"]!.GetValue<string>(), received["LTime"]!.GetValue<ulong>()));
    }
}
