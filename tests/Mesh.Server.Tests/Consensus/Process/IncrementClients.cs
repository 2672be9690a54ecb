using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

namespace Mesh.Server.Tests.Consensus.Process;

/// <summary>
/// Concurrent clients of the counter: each sends increments with ids never used before (a failed attempt's id is
/// never retried, so nothing may legitimately appear twice), follows the leader a refusal names, and moves on to
/// another node when one is down or does not answer. Only a 200 counts as acknowledged.
/// </summary>
internal sealed class IncrementClients : IAsyncDisposable
{
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(20);

    private readonly IReadOnlyList<RaftNodeProcess> _nodes;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ulong> _acknowledged = new();
    private readonly Task[] _clients;
    private long _refused;

    public IncrementClients(IReadOnlyList<RaftNodeProcess> nodes, int count)
    {
        _nodes = nodes;
        _clients = [.. Enumerable.Range(0, count).Select(c => Task.Run(() => RunAsync(c)))];
    }

    public int Acknowledged => _acknowledged.Count;

    /// <summary>Answers other than 200, plus requests that failed or went unanswered.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Every acknowledged id and the log index its answer named.</summary>
    public IReadOnlyDictionary<string, ulong> AcknowledgedIds => _acknowledged;

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(int client)
    {
        var target = client % _nodes.Count;
        for (var sequence = 0; !_stop.IsCancellationRequested; sequence++)
        {
            var id = $"c{client}-{sequence}";
            (var acknowledged, target) = await IncrementAsync(_nodes[target], id);
            if (acknowledged)
            {
                continue;
            }
            Interlocked.Increment(ref _refused);
            try
            {
                await Task.Delay(Backoff, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends one increment; returns whether it was acknowledged and the node to send the next one to.</summary>
    private async Task<(bool Acknowledged, int Next)> IncrementAsync(RaftNodeProcess node, string id)
    {
        var self = IndexOf(node.Id);
        var other = (self + 1) % _nodes.Count;
        try
        {
            using var response = await _http.PostAsync(new Uri(node.Http.BaseAddress!, "/increment"), new StringContent(id), _stop.Token);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var answer = await response.Content.ReadFromJsonAsync<IncrementAnswer>(_stop.Token);
                    _acknowledged[id] = answer!.Index;
                    return (true, self);
                case HttpStatusCode.MisdirectedRequest:
                    var refusal = await response.Content.ReadFromJsonAsync<RefusalAnswer>(_stop.Token);
                    return (false, refusal?.Leader is { } leader && leader != node.Id ? IndexOf(leader) : other);
                default:
                    return (false, other);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Down, restarting, or no answer in time: the outcome is unknown and the id is never sent again.
            return (false, other);
        }
    }

    private int IndexOf(string id)
    {
        for (var i = 0; i < _nodes.Count; i++)
        {
            if (_nodes[i].Id == id)
            {
                return i;
            }
        }
        throw new InvalidOperationException($"No node {id}.");
    }

    private sealed record IncrementAnswer(ulong Index);

    private sealed record RefusalAnswer(string Error, string? Leader);
}
