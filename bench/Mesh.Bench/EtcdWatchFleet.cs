using System.Net;
using System.Text;

namespace Mesh.Bench;

/// <summary>
/// etcd watches through the v3 JSON gateway: each watcher is one HTTP/1.1 connection holding a
/// <c>POST /v3/watch</c> stream of newline-separated JSON messages. A stream stays open across writes, so unlike a
/// blocking query it is created once and never re-armed.
/// </summary>
internal sealed class EtcdWatchFleet(EtcdProcess etcd, TimeProvider time) : IWatchFleet
{
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(20);
    private static readonly string KeyBase64 = EtcdKvTarget.Base64(MeshWatchFleet.Key);

    private readonly HttpClient _writer = BenchHttp.Create(etcd.BaseAddress, 1, TimeSpan.FromSeconds(10));
    private RawHttpConnection[] _watchers = [];
    private Task<long>[] _answers = [];
    private bool _created;

    public int ServerPid => etcd.Pid;

    public Task PrepareAsync(CancellationToken cancellationToken) => WriteAsync(0, cancellationToken);

    public async Task ConnectAsync(int count, CancellationToken cancellationToken) =>
        _watchers = await RawHttpConnection.ConnectManyAsync(new IPEndPoint(IPAddress.Loopback, etcd.Port), count, cancellationToken).ConfigureAwait(false);

    public async Task ArmAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            var body = $$$"""{"create_request":{"key":"{{{KeyBase64}}}"}}""";
            var request = Encoding.ASCII.GetBytes(
                $"POST /v3/watch HTTP/1.1\r\nHost: 127.0.0.1:{etcd.Port}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");
            var created = _watchers.Select(watcher => CreateAsync(watcher, request, cancellationToken)).ToArray();
            await WatchAnswers.AllAsync("etcd watch creation", created, CreateTimeout, time, cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        _answers = [.. _watchers.Select(watcher => NextEventAsync(watcher, cancellationToken))];
        await ProcStats.AwaitIdleAsync(etcd.Pid, IdleTimeout, time, cancellationToken).ConfigureAwait(false);
        WatchAnswers.ThrowIfAnyFailed("etcd watchers", _answers);
    }

    public async Task<WriteTiming> WriteAsync(int round, CancellationToken cancellationToken)
    {
        var value = Encoding.ASCII.GetBytes($"round-{round:D4}-").Concat(KvWorkload.Value).Take(KvWorkload.ValueSize).ToArray();
        var body = $$"""{"key":"{{KeyBase64}}","value":"{{Convert.ToBase64String(value)}}"}""";
        var sent = time.GetTimestamp();
        using var response = await _writer.PostAsync(
            new Uri("/v3/kv/put", UriKind.Relative),
            new StringContent(body, Encoding.UTF8, "application/json"),
            cancellationToken).ConfigureAwait(false);
        var answered = time.GetTimestamp();
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchException($"etcd: writing {MeshWatchFleet.Key} answered HTTP {(int)response.StatusCode}");
        }
        return new WriteTiming(sent, answered);
    }

    public Task<long[]> AnswersAsync(CancellationToken cancellationToken) =>
        WatchAnswers.AllAsync("etcd watchers", _answers, AnswerTimeout, time, cancellationToken);

    public void Dispose()
    {
        RawHttpConnection.DisposeAll(_watchers);
        _writer.Dispose();
    }

    private static async Task<bool> CreateAsync(RawHttpConnection watcher, byte[] request, CancellationToken cancellationToken)
    {
        await watcher.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var head = await watcher.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        if (head.Status != 200)
        {
            throw new IOException($"HTTP {head.Status}");
        }
        var message = await watcher.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return message.Span.IndexOf("\"created\":true"u8) >= 0
            ? true
            : throw new IOException($"the stream opened with {Encoding.UTF8.GetString(message.Span)}");
    }

    private async Task<long> NextEventAsync(RawHttpConnection watcher, CancellationToken cancellationToken)
    {
        var message = await watcher.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var at = time.GetTimestamp();
        return message.Span.IndexOf("\"events\""u8) >= 0
            ? at
            : throw new IOException(message.IsEmpty ? "the watch stream ended" : $"the stream sent {Encoding.UTF8.GetString(message.Span)}");
    }
}
