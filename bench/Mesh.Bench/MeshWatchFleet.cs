using System.Globalization;
using System.Net;
using System.Text;

namespace Mesh.Bench;

/// <summary>
/// Consul blocking queries on one key: each watcher is a keep-alive connection parked on
/// <c>GET /v1/kv/bench/watched?index=N&amp;wait=5m</c>, answered when a write passes N and re-armed with the new index.
/// </summary>
internal sealed class MeshWatchFleet(AgentProcess agent, TimeProvider time) : IWatchFleet
{
    public const string Key = "bench/watched";

    private static readonly TimeSpan ParkTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(20);

    private readonly HttpClient _writer = BenchHttp.Create(agent.BaseAddress, 1, TimeSpan.FromSeconds(10));
    private readonly Uri _path = new($"/v1/kv/{Key}", UriKind.Relative);
    private RawHttpConnection[] _watchers = [];
    private Task<(long At, ulong Index)>[] _answers = [];
    private ulong _index;
    private int _sent;

    public int ServerPid => agent.Pid;

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(0, cancellationToken).ConfigureAwait(false);
        using var response = await _writer.GetAsync(_path, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || !response.Headers.TryGetValues("X-Consul-Index", out var index))
        {
            throw new BenchException($"mesh: reading {Key} answered HTTP {(int)response.StatusCode} without X-Consul-Index");
        }
        _index = ulong.Parse(index.First(), CultureInfo.InvariantCulture);
    }

    public async Task ConnectAsync(int count, CancellationToken cancellationToken) =>
        _watchers = await RawHttpConnection.ConnectManyAsync(new IPEndPoint(IPAddress.Loopback, agent.Port), count, cancellationToken).ConfigureAwait(false);

    public async Task ArmAsync(CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes($"GET /v1/kv/{Key}?index={_index}&wait=5m HTTP/1.1\r\nHost: 127.0.0.1:{agent.Port}\r\n\r\n");
        _sent = 0;
        _answers = [.. _watchers.Select(watcher => WatchAsync(watcher, request, _index, cancellationToken))];

        // Parked: every request sent, every byte of them read by the agent, and the agent idle again (done routing them).
        var (connections, unread) = (0, 0L);
        var parked = await Poll.UntilAsync(
            () =>
            {
                WatchAnswers.ThrowIfAnyFailed("mesh watchers", _answers);
                (connections, unread) = TcpTable.ServerSide(agent.Port);
                return Volatile.Read(ref _sent) == _watchers.Length && connections >= _watchers.Length && unread == 0;
            },
            ParkTimeout,
            time,
            cancellationToken).ConfigureAwait(false);
        if (!parked)
        {
            agent.EnsureRunning();
            throw new BenchException($"mesh: the agent did not take in {_watchers.Length} blocking queries within {ParkTimeout.TotalSeconds:0} s ({_sent} sent, {connections} connections, {unread} bytes unread)");
        }
        await ProcStats.AwaitIdleAsync(agent.Pid, IdleTimeout, time, cancellationToken).ConfigureAwait(false);
        WatchAnswers.ThrowIfAnyFailed("mesh watchers", _answers);
    }

    public async Task<WriteTiming> WriteAsync(int round, CancellationToken cancellationToken)
    {
        var value = Encoding.ASCII.GetBytes($"round-{round:D4}-").Concat(KvWorkload.Value).Take(KvWorkload.ValueSize).ToArray();
        var sent = time.GetTimestamp();
        using var response = await _writer.PutAsync(_path, new ByteArrayContent(value), cancellationToken).ConfigureAwait(false);
        var answered = time.GetTimestamp();
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchException($"mesh: writing {Key} answered HTTP {(int)response.StatusCode}");
        }
        return new WriteTiming(sent, answered);
    }

    public async Task<long[]> AnswersAsync(CancellationToken cancellationToken)
    {
        var answers = await WatchAnswers.AllAsync("mesh watchers", _answers, AnswerTimeout, time, cancellationToken).ConfigureAwait(false);
        _index = answers.Max(a => a.Index);
        return [.. answers.Select(a => a.At)];
    }

    public void Dispose()
    {
        RawHttpConnection.DisposeAll(_watchers);
        _writer.Dispose();
    }

    private async Task<(long At, ulong Index)> WatchAsync(RawHttpConnection watcher, byte[] request, ulong index, CancellationToken cancellationToken)
    {
        await watcher.SendAsync(request, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _sent);
        var head = await watcher.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        await watcher.SkipBodyAsync(cancellationToken).ConfigureAwait(false);
        var at = time.GetTimestamp();
        if (head.Status != 200)
        {
            throw new IOException($"HTTP {head.Status}");
        }
        return head.ConsulIndex > index
            ? (at, head.ConsulIndex)
            : throw new IOException($"answered at index {head.ConsulIndex} without a write (it waited on {index})");
    }
}
