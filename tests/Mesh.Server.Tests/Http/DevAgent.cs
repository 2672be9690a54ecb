using System.Globalization;
using Mesh.Server.Agent;
using Mesh.Server.Config;
using Mesh.Server.Tests.Process;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Server.Tests.Http;

/// <summary>
/// A whole `mesh agent -dev` in this process, composed exactly as the binary composes it (AgentHost), on free
/// loopback ports: the single in-memory server that leads itself.
/// </summary>
internal sealed class DevAgent : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DevAgent(WebApplication app, AgentConfig config)
    {
        _app = app;
        Config = config;
        HttpAddress = $"127.0.0.1:{config.Ports.Http}";
        Http = new HttpClient { BaseAddress = new Uri($"http://{HttpAddress}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public AgentConfig Config { get; }

    /// <summary>host:port, as -http-addr takes it.</summary>
    public string HttpAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The server RPC address dev mode reports as its leader and only peer.</summary>
    public string ServerAddress => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Config.Ports.Server}");

    public IReadOnlyDictionary<string, string> CliEnvironment => new Dictionary<string, string> { ["MESH_HTTP_ADDR"] = HttpAddress };

    public static async Task<DevAgent> StartAsync(string node = "dev1")
    {
        var ports = Process.AgentPorts.Free();
        var config = AgentConfigLoader.Load(new AgentFlags
        {
            Dev = true,
            NodeName = node,
            HttpPort = ports.Http,
            ServerPort = ports.Server,
            SerfLanPort = ports.SerfLan,
            GrpcPort = ports.Grpc,
            DnsPort = ports.Dns,
            LogLevel = "ERR",
        });
        var app = AgentHost.Build(config);
        await AgentHost.RegisterLocalDefinitionsAsync(app, config, CancellationToken.None);
        await app.StartAsync();
        return new DevAgent(app, config);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
