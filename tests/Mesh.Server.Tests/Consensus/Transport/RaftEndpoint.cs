using System.Net;
using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Consensus.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(inbox);
        var web = builder.Build();
        web.MapGrpcService<RaftTransportService>();
        await web.StartAsync();
        var url = new Uri(web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new RaftEndpoint(web, sink, url.Port);
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
