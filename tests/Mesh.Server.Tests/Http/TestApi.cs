using System.Net;
using System.Text;
using System.Text.Json;
using Mesh.Server.Agent;
using Mesh.Server.Agent.Membership;
using Mesh.Server.Config;
using Mesh.Server.Http;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Tests.Http;

/// <summary>
/// The Consul API on a real Kestrel listener (127.0.0.1, any free port) over a real StateStore and
/// LocalStateWriter, with the real LocalAgent registered as node1.
/// </summary>
internal sealed class TestApi : IAsyncDisposable
{
    public const string Datacenter = "dc1";
    public const string NodeName = "node1";

    private readonly WebApplication _app;

    private TestApi(WebApplication app, HttpClient client, StateStore store, LocalAgent agent, TestClusterStatus cluster)
    {
        _app = app;
        Client = client;
        Store = store;
        Agent = agent;
        Cluster = cluster;
    }

    public HttpClient Client { get; }

    public StateStore Store { get; }

    public LocalAgent Agent { get; }

    /// <summary>How often the agent asked the process to shut down (what a leave ends with).</summary>
    public int LeaveCount { get; private set; }

    /// <summary>Thrown where the agent would shut the process down, to see how the API reports a failure.</summary>
    public Exception? LeaveFailure { get; set; }

    public TestClusterStatus Cluster { get; }

    public static async Task<TestApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var store = new StateStore(TimeProvider.System);
        var writer = new LocalStateWriter(store);
        TestApi? api = null;
        var config = new AgentConfig
        {
            NodeName = NodeName,
            NodeId = "2b5b3b2c-8f4e-4c7e-9f0a-6d1d3c1f0e11",
            Datacenter = Datacenter,
            AdvertiseAddr = "127.0.0.1",
            Server = true,
        };
        var agent = new LocalAgent(
            LocalAgentOptions.From(config),
            writer,
            new LocalStateReader(store),
            new SoloMembership(config),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            shutdown: () =>
            {
                api!.LeaveCount++;
                if (api.LeaveFailure is { } failure)
                {
                    throw failure;
                }
            });
        var cluster = new TestClusterStatus();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IStateWriter>(writer);
        builder.Services.AddSingleton<IStateReader>(new LocalStateReader(store));
        builder.Services.AddSingleton<ILocalAgent>(agent);
        builder.Services.AddSingleton<IClusterStatus>(cluster);

        var app = builder.Build();
        app.MapConsulApi();
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(60) };
        api = new TestApi(app, client, store, agent, cluster);
        return api;
    }

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken = default) =>
        Client.GetAsync(path, cancellationToken);

    public Task<HttpResponseMessage> PutAsync(string path, string? body = null) =>
        Client.PutAsync(path, body is null ? null : new StringContent(body, Encoding.UTF8));

    public Task<HttpResponseMessage> PutBytesAsync(string path, byte[] body) => Client.PutAsync(path, new ByteArrayContent(body));

    public Task<HttpResponseMessage> DeleteAsync(string path) => Client.DeleteAsync(path);

    /// <summary>GET that must answer 200 with JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        return await JsonOf(response);
    }

    public static async Task<JsonElement> JsonOf(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The answer's status and plain-text body (Consul's error answers).</summary>
    public static async Task<(HttpStatusCode Status, string Body)> TextOf(HttpResponseMessage response)
    {
        using (response)
        {
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    public static ulong IndexOf(HttpResponseMessage response) =>
        ulong.Parse(response.Headers.GetValues("X-Consul-Index").Single(), System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Agent.DisposeAsync();
    }
}

/// <summary>A cluster whose leader the test decides.</summary>
internal sealed class TestClusterStatus : IClusterStatus
{
    public string Leader { get; set; } = "127.0.0.1:8300";

    public IReadOnlyList<string> Peers { get; set; } = ["127.0.0.1:8300"];

    public bool KnownLeader { get; set; } = true;

    public TimeSpan LastContact { get; set; } = TimeSpan.Zero;
}
