using System.Net;
using Mesh.Server.Consensus.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Tests.Consensus.Transport;

/// <summary>A real Kestrel (HTTP/2 cleartext on 127.0.0.1) serving the Raft transport into an inbox.</summary>
internal static class RaftTransportHost
{
    /// <param name="port">0 for any free port; a former host's port to restart it there.</param>
    public static async Task<(WebApplication Web, int Port)> StartAsync(RaftInbox inbox, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(inbox);
        var web = builder.Build();
        web.MapGrpcService<RaftTransportService>();
        await web.StartAsync();
        var url = new Uri(web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return (web, url.Port);
    }
}
