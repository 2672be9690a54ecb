using System.Net;
using System.Net.Http.Json;

namespace Mesh.Server.Tests.Process;

/// <summary>A transaction is one Raft entry: a server killed with kill -9 replays it whole on restart.</summary>
public sealed class TxnDurabilityTests : IDisposable
{
    private readonly DirectoryInfo _dataDir = Directory.CreateTempSubdirectory("mesh-txn-");

    public void Dispose() => _dataDir.Delete(recursive: true);

    [Fact]
    public async Task An_applied_transaction_survives_kill_9_and_a_refused_one_leaves_nothing()
    {
        string[] args = ["-server", "-bootstrap-expect=1", "-node=txn", $"-data-dir={_dataDir.FullName}"];
        var ports = AgentPorts.Free();
        await using (var agent = await AgentProcess.StartAsync(ports, args))
        {
            await PutAsync(agent, "txn/old", "old");
            using var applied = await agent.Http.PutAsync("/v1/txn", Body(
                """[{"KV":{"Verb":"set","Key":"txn/a","Value":"YQ=="}},{"KV":{"Verb":"set","Key":"txn/b","Value":"Yg=="}},{"KV":{"Verb":"delete","Key":"txn/old"}}]"""));
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
            using var refused = await agent.Http.PutAsync("/v1/txn", Body(
                """[{"KV":{"Verb":"set","Key":"txn/c","Value":"Yw=="}},{"KV":{"Verb":"check-not-exists","Key":"txn/a"}}]"""));
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            await agent.KillAsync();
        }

        await using var restarted = await AgentProcess.StartAsync(ports, args);
        var keys = await restarted.Http.GetFromJsonAsync<string[]>("/v1/kv/txn/?keys");
        Assert.Equal(["txn/a", "txn/b"], keys!);
        Assert.Equal("a", await restarted.Http.GetStringAsync("/v1/kv/txn/a?raw"));
        Assert.Equal("b", await restarted.Http.GetStringAsync("/v1/kv/txn/b?raw"));
    }

    private static async Task PutAsync(AgentProcess agent, string key, string value)
    {
        using var response = await agent.Http.PutAsync($"/v1/kv/{key}", new StringContent(value));
        Assert.Equal("true", await response.Content.ReadAsStringAsync());
    }

    private static StringContent Body(string json) => new(json);
}
