using System.Net;
using Mesh.Raft.Node;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Consensus.Transport;
using Microsoft.AspNetCore.Server.Kestrel.Core;

NodeOptions? options;
try
{
    options = NodeOptions.Parse(args);
}
catch (NodeArgumentException e)
{
    Console.Error.WriteLine($"mesh-raft-node: {e.Message}");
    return 2;
}
if (options is null)
{
    Console.WriteLine(NodeOptions.Usage);
    return 0;
}

var time = TimeProvider.System;
var machine = new CounterMachine();
var inbox = new RaftInbox();
await using var transport = new GrpcRaftTransport(time, TimeSpan.FromSeconds(2));
RaftHost host;
try
{
    Directory.CreateDirectory(options.DataDirectory);
    host = RaftHost.Start(new RaftHostOptions(options.Id, options.DataDirectory) { Raft = options.Raft, Bootstrap = options.Cluster }, machine, transport, time);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
{
    Console.Error.WriteLine($"mesh-raft-node: cannot open the data directory {options.DataDirectory}: {e.Message}");
    return 1;
}
await using (host)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    // A failed start is reported below in one line, not as the host's stack trace.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        kestrel.Listen(IPAddress.Loopback, options.RaftPort, listen => listen.Protocols = HttpProtocols.Http2);
        kestrel.Listen(IPAddress.Loopback, options.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
    });
    builder.Services.AddGrpc();
    builder.Services.AddSingleton(inbox);
    await using var app = builder.Build();
    app.MapGrpcService<RaftTransportService>().RequireHost($"*:{options.RaftPort}");
    NodeEndpoints.Map(app, host, machine, options.HttpPort);
    inbox.Attach(host);
    try
    {
        await app.StartAsync();
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"mesh-raft-node: cannot listen: {e.Message}");
        return 1;
    }
    Console.WriteLine($"mesh-raft-node: {options.Id} serving Raft on 127.0.0.1:{options.RaftPort}, HTTP on 127.0.0.1:{options.HttpPort}");
    await app.WaitForShutdownAsync();
    inbox.Attach(null);
}
return 0;
