using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Consensus.Transport;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Server.Tests.Consensus.Transport;

/// <summary>A real Kestrel (HTTP/2 cleartext on 127.0.0.1) serving the Raft transport into a recording sink.</summary>
internal sealed class RaftEndpoint : IAsyncDisposable
{
    private readonly WebApplication _web;

    private RaftEndpoint(WebApplication web, RecordingSink sink, int port)
    {
        _web = web;
        Received = sink;
        Port = port;
    }

    public RecordingSink Received { get; }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <param name="port">0 for any free port; a former endpoint's port to restart it there.</param>
    public static async Task<RaftEndpoint> StartAsync(int port = 0, RecordingSink? sink = null)
    {
        sink ??= new RecordingSink();
        var inbox = new RaftInbox();
        inbox.Attach(sink);
        var (web, bound) = await RaftTransportHost.StartAsync(inbox, port);
        return new RaftEndpoint(web, sink, bound);
    }

    public Task StopAsync() => _web.StopAsync();

    public ValueTask DisposeAsync() => _web.DisposeAsync();
}

/// <summary>Keeps every message delivered, in arrival order.</summary>
internal sealed class RecordingSink : IRaftMessageSink
{
    private readonly Lock _lock = new();
    private readonly List<RaftMessage> _messages = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _messages.Count;
            }
        }
    }

    public IReadOnlyList<RaftMessage> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    public void Deliver(RaftMessage message)
    {
        lock (_lock)
        {
            _messages.Add(message);
        }
    }
}
