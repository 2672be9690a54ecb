using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Server.Tests.Process;

/// <summary>
/// Three real `mesh agent -server -bootstrap-expect=3` processes on loopback with fast Raft timings, the second and
/// third joining the first; killed and their data directories deleted on dispose.
/// </summary>
internal sealed class RaftServers : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly List<DirectoryInfo> _dataDirs;

    private RaftServers(List<AgentProcess> servers, List<DirectoryInfo> dataDirs)
    {
        Servers = servers;
        _dataDirs = dataDirs;
    }

    /// <summary>s1, s2 and s3, in that order.</summary>
    public IReadOnlyList<AgentProcess> Servers { get; }

    /// <param name="hcl">More configuration for every server (an -hcl fragment), if any.</param>
    public static async Task<RaftServers> StartAsync(string? hcl = null)
    {
        var ports = Enumerable.Range(0, 3).Select(_ => AgentPorts.Free()).ToList();
        var dataDirs = Enumerable.Range(0, 3).Select(_ => Directory.CreateTempSubdirectory("mesh-raft-")).ToList();
        var servers = new List<AgentProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                List<string> args =
                [
                    "-server", "-bootstrap-expect=3", "-bind=127.0.0.1", $"-node=s{i + 1}", $"-data-dir={dataDirs[i].FullName}",
                    "-hcl", "performance { raft_multiplier = 1 }",
                ];
                if (i > 0)
                {
                    args.Add($"-retry-join=127.0.0.1:{ports[0].SerfLan}");
                }
                if (hcl is not null)
                {
                    args.AddRange(["-hcl", hcl]);
                }
                servers.Add(await AgentProcess.StartAsync(ports[i], [.. args]));
            }
        }
        catch
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask()));
            dataDirs.ForEach(d => d.Delete(recursive: true));
            throw;
        }
        var cluster = new RaftServers(servers, dataDirs);
        await Eventually.TrueAsync(() => cluster.Voters(servers[0]) == 3 && cluster.LeaderOf(servers[0]) is not null, "three voters and a leader", Deadline);
        return cluster;
    }

    /// <summary>The server whose RPC address <paramref name="asked"/> reports as the leader, or null.</summary>
    public AgentProcess? LeaderOf(AgentProcess asked)
    {
        try
        {
            var leader = Get(asked, "/v1/status/leader").GetString();
            return Servers.FirstOrDefault(s => leader == ServerAddress(s));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The leader every running server agrees on, once they do.</summary>
    public async Task<AgentProcess> AgreedLeaderAsync()
    {
        AgentProcess? leader = null;
        await Eventually.TrueAsync(
            () =>
            {
                var views = Servers.Where(s => !s.HasExited).Select(LeaderOf).ToList();
                leader = views[0];
                return leader is not null && views.All(v => v == leader);
            },
            "the running servers to agree on a leader",
            Deadline);
        return leader!;
    }

    /// <summary>The Raft configuration as <paramref name="asked"/> answers it (from the leader, unless <paramref name="stale"/>).</summary>
    public static JsonElement Configuration(AgentProcess asked, bool stale = false) =>
        Get(asked, "/v1/operator/raft/configuration" + (stale ? "?stale" : ""));

    public int Voters(AgentProcess asked)
    {
        try
        {
            return Configuration(asked, stale: true).GetProperty("Servers").EnumerateArray().Count(s => s.GetProperty("Voter").GetBoolean());
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>A server's Raft ID (its node ID).</summary>
    public static string IdOf(AgentProcess server) =>
        Get(server, "/v1/agent/self").GetProperty("Config").GetProperty("NodeID").GetString()!;

    public static string ServerAddress(AgentProcess server) => $"127.0.0.1:{server.ServerPort}";

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Servers.Select(s => s.DisposeAsync().AsTask()));
        _dataDirs.ForEach(d => d.Delete(recursive: true));
    }

    private static JsonElement Get(AgentProcess agent, string path) =>
        agent.Http.GetFromJsonAsync<JsonElement>(path).GetAwaiter().GetResult();
}
