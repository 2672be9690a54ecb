using System.Net.Http.Json;

namespace Mesh.Server.Tests.Process;

/// <summary>A server agent (not -dev) keeps every acknowledged write through kill -9.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly DirectoryInfo _dataDir = Directory.CreateTempSubdirectory("mesh-data-");

    public void Dispose() => _dataDir.Delete(recursive: true);

    [Fact]
    public async Task Acknowledged_kv_writes_survive_kill_9()
    {
        string[] args = ["-server", "-bootstrap-expect=1", "-node=durable", $"-data-dir={_dataDir.FullName}"];
        var ports = AgentPorts.Free();
        var acknowledged = new List<string>();
        await using (var agent = await AgentProcess.StartAsync(ports, args))
        {
            // Writers race the kill: only what was answered `true` must be there afterwards.
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"durable/{w}/{i}";
                    try
                    {
                        using var response = await agent.Http.PutAsync($"/v1/kv/{key}", new StringContent(key), stop.Token);
                        if (await response.Content.ReadAsStringAsync(stop.Token) == "true")
                        {
                            lock (acknowledged)
                            {
                                acknowledged.Add(key);
                            }
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();
            await Eventually.TrueAsync(() => { lock (acknowledged) { return acknowledged.Count >= 300; } }, "300 acknowledged writes", TimeSpan.FromSeconds(60));

            await agent.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using var restarted = await AgentProcess.StartAsync(ports, args);
        var keys = await restarted.Http.GetFromJsonAsync<string[]>("/v1/kv/durable/?keys");
        Assert.Subset(keys!.ToHashSet(), acknowledged.ToHashSet());
        foreach (var key in acknowledged.Take(20))
        {
            Assert.Equal(key, await restarted.Http.GetStringAsync($"/v1/kv/{key}?raw"));
        }
    }
}
