using System.Net;
using System.Text;
using System.Text.Json;
using Mesh.Server.Tests.Linearizability;
using Xunit.Abstractions;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>
/// Concurrent clients read, write, compare-and-set and delete a few keys on three real servers while servers are
/// killed (kill -9, then restarted) and frozen (SIGSTOP, then SIGCONT); the recorded history must be linearizable.
/// Partitions are covered in-process by the Raft host partition tests (a loopback process cannot be cut off).
/// </summary>
[Collection(DatacenterCollection.Name)]
public sealed class LinearizabilityTests(ITestOutputHelper output)
{
    private const int Clients = 6;
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);
    private static readonly string[] Keys = ["a", "b", "c"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Kv_history_under_kills_and_pauses_is_linearizable(int seed)
    {
        await using var datacenter = await Datacenter.StartAsync(output);
        await datacenter.WaitForLeaderAsync();
        var recorder = new HistoryRecorder();
        var prefix = $"lin{seed}-{Guid.NewGuid():N}/";
        using var stop = new CancellationTokenSource(RunFor);
        var clients = Enumerable.Range(0, Clients)
            .Select(id => Task.Run(() => RunClientAsync(id, new Random(seed * 100 + id), datacenter, prefix, recorder, stop.Token)))
            .ToList();
        var faults = await InjectFaultsAsync(new Random(seed), datacenter, stop.Token);
        await Task.WhenAll(clients);

        var history = recorder.Snapshot();
        var result = new LinearizabilityChecker().Check(history, TimeSpan.FromSeconds(60));
        var known = history.Operations.Count(o => !o.IsUnknown);
        output.WriteLine($"{history.Operations.Count} operations ({known} answered, {history.Operations.Count - known} unknown); faults: {string.Join(", ", faults)}");
        Assert.True(result.Verdict == Verdict.Linearizable, $"{result.Verdict} on {result.Key}: {result.Explanation}");
        Assert.True(known >= 100, $"Only {known} operations were answered: the test did not exercise the datacenter.");
    }

    /// <summary>One fault at a time, always healed, so a quorum comes back between faults.</summary>
    private async Task<List<string>> InjectFaultsAsync(Random random, Datacenter datacenter, CancellationToken stop)
    {
        var faults = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 1500)), CancellationToken.None);
            var leader = await LeaderOrAnyAsync(datacenter, random);
            if (random.Next(2) == 0)
            {
                await leader.KillAsync();
                faults.Add($"kill {leader.Name}");
                datacenter.Log($"killed {leader}");
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 1200)), CancellationToken.None);
                await leader.StartAsync();
            }
            else
            {
                await leader.PauseAsync();
                faults.Add($"pause {leader.Name}");
                datacenter.Log($"paused {leader}");
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 1500)), CancellationToken.None);
                await leader.ResumeAsync();
            }
        }
        return faults;
    }

    private static async Task<DatacenterAgent> LeaderOrAnyAsync(Datacenter datacenter, Random random)
    {
        var servers = datacenter.RunningServers;
        foreach (var server in servers)
        {
            try
            {
                var leader = await server.LeaderAsync().WaitAsync(RequestTimeout);
                if (servers.FirstOrDefault(s => s.RpcAddress == leader) is { } found)
                {
                    return found;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
            {
                // A server mid-restart: ask another.
            }
        }
        return servers[random.Next(servers.Count)];
    }

    private static async Task RunClientAsync(int id, Random random, Datacenter datacenter, string prefix, HistoryRecorder recorder, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = RequestTimeout };
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var servers = datacenter.RunningServers;
            var server = servers[random.Next(servers.Count)];
            var key = Keys[random.Next(Keys.Length)];
            var url = $"{server.Http.BaseAddress}v1/kv/{prefix}{key}";
            var value = $"{id}-{sequence}";
            switch (random.Next(4))
            {
                case 0:
                    await ReadAsync(http, recorder, id, key, url + (random.Next(2) == 0 ? "" : "?consistent"));
                    break;
                case 1:
                    await WriteAsync(http, recorder, id, key, HttpMethod.Put, url, new WriteOp(value), value);
                    break;
                case 2:
                    var seen = await ReadAsync(http, recorder, id, key, url + "?consistent");
                    if (seen is { } observed)
                    {
                        await WriteAsync(http, recorder, id, key, HttpMethod.Put, $"{url}?cas={observed.ModifyIndex}", new CasOp(observed.Value, value), value);
                    }
                    break;
                default:
                    await WriteAsync(http, recorder, id, key, HttpMethod.Delete, url, new DeleteOp(), null);
                    break;
            }
        }
    }

    /// <summary>A read; returns what it saw (ModifyIndex 0 for an absent key) or null when it got no answer.</summary>
    private static async Task<(string? Value, ulong ModifyIndex)?> ReadAsync(HttpClient http, HistoryRecorder recorder, int id, string key, string url)
    {
        var op = recorder.Invoke(id, key, new ReadOp());
        try
        {
            using var response = await http.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                op.Complete(new ReadValue(null));
                return (null, 0);
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                op.Unknown();
                return null;
            }
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var entry = body.RootElement[0];
            var value = Encoding.UTF8.GetString(Convert.FromBase64String(entry.GetProperty("Value").GetString() ?? ""));
            op.Complete(new ReadValue(value));
            return (value, entry.GetProperty("ModifyIndex").GetUInt64());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            op.Unknown();
            return null;
        }
    }

    /// <summary>A write, CAS or delete: acknowledged only by a 200; anything else may or may not have happened.</summary>
    private static async Task WriteAsync(HttpClient http, HistoryRecorder recorder, int id, string key, HttpMethod method, string url, RegisterOp operation, string? value)
    {
        var op = recorder.Invoke(id, key, operation);
        try
        {
            using var request = new HttpRequestMessage(method, url) { Content = value is null ? null : new StringContent(value) };
            using var response = await http.SendAsync(request);
            var answer = (await response.Content.ReadAsStringAsync()).Trim();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                op.Unknown();
                return;
            }
            op.Complete(operation is CasOp ? new CasOutcome(answer == "true") : new Acknowledged());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            op.Unknown();
        }
    }
}
