using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Connect.Proxy;
using Xunit.Sdk;

namespace Mesh.Server.Tests.Connect.Proxy;

/// <summary>A sidecar's end of the agent's configuration stream: every snapshot received, in order.</summary>
internal sealed class ProxySnapshotStream : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly AsyncServerStreamingCall<ProxySnapshot> _call;
    private readonly List<ProxySnapshot> _received = [];
    private readonly Task _reading;

    public ProxySnapshotStream(int grpcPort, ProxyWatchRequest request)
    {
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        _call = _channel.CreateCallInvoker().AsyncServerStreamingCall(ProxyConfigMethods.Watch, null, new CallOptions(cancellationToken: _stop.Token), request);
        _reading = ReadAsync();
    }

    /// <summary>The failure that ended the stream, if it ended.</summary>
    public RpcException? Error { get; private set; }

    public ProxySnapshot? Latest
    {
        get
        {
            lock (_received)
            {
                return _received.Count > 0 ? _received[^1] : null;
            }
        }
    }

    /// <summary>Where the stream is now: what arrives later is what a change made.</summary>
    public StreamMark Mark()
    {
        lock (_received)
        {
            return new StreamMark(_received.Count, Stopwatch.StartNew());
        }
    }

    /// <summary>
    /// The first snapshot that satisfies <paramref name="condition"/>, among those received after
    /// <paramref name="since"/> (all of them without), and how long after the mark it came.
    /// </summary>
    public async Task<(ProxySnapshot Snapshot, TimeSpan After)> WaitForAsync(Func<ProxySnapshot, bool> condition, string what, StreamMark? since = null)
    {
        var from = since?.Count ?? 0;
        var clock = since?.Clock ?? Stopwatch.StartNew();
        while (true)
        {
            lock (_received)
            {
                if (_received.Skip(from).FirstOrDefault(condition) is { } match)
                {
                    return (match, clock.Elapsed);
                }
            }
            if (Error is not null || clock.Elapsed > Eventually.DefaultDeadline)
            {
                throw new XunitException($"No snapshot with {what} (stream error: {Error?.Status.Detail ?? "none"}; last: {System.Text.Json.JsonSerializer.Serialize(Latest)})");
            }
            await Task.Delay(10);
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var snapshot in _call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                lock (_received)
                {
                    _received.Add(snapshot);
                }
            }
        }
        catch (RpcException ex)
        {
            Error = ex;
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _call.Dispose();
        _channel.Dispose();
        _stop.Dispose();
    }
}

/// <summary>How many snapshots had arrived, and a clock started then.</summary>
internal sealed record StreamMark(int Count, Stopwatch Clock);
