using System.Net;
using System.Text;
using Mesh.Server.Tests.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Mesh;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace Mesh.Server.Tests.ServiceDefaults;

/// <summary>What an app gets from ServiceDefaults on the mesh, against a whole in-process dev agent.</summary>
public sealed class MeshServiceDefaultsTests : IAsyncLifetime
{
    private DevAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await DevAgent.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private async Task PutAsync(string path, string body)
    {
        using var response = await _agent.Http.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {await response.Content.ReadAsStringAsync()}");
    }

    private HostApplicationBuilder App(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("MESH_HTTP_ADDR", _agent.HttpAddress), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))]);
        return builder;
    }

    [Fact]
    public async Task KvKeysUnderThePrefixAreConfigurationAndReloadWithoutRestart()
    {
        await PutAsync("/v1/kv/config/dashboard/Greeting/Text", "hello");
        await PutAsync("/v1/kv/config/dashboard/Refresh", "5");
        await PutAsync("/v1/kv/config/other/Refresh", "9");
        var builder = App();
        builder.AddMeshConfiguration("config/dashboard");
        using var host = builder.Build();
        // The app's configuration owns the watch: disposing it ends the blocking query.
        using var configuration = (ConfigurationManager)host.Services.GetRequiredService<IConfiguration>();

        Assert.Equal(("hello", "5"), (configuration["Greeting:Text"], configuration["Refresh"]));

        var reloaded = new TaskCompletionSource();
        using var subscription = ChangeToken.OnChange(((IConfiguration)configuration).GetReloadToken, () => reloaded.TrySetResult());
        await PutAsync("/v1/kv/config/dashboard/Greeting/Text", "bonjour");
        await reloaded.Task.WaitAsync(Eventually.DefaultDeadline);
        await Eventually.TrueAsync(() => configuration["Greeting:Text"] == "bonjour", "the new value");
        Assert.Equal("5", configuration["Refresh"]);
    }

    [Fact]
    public void WithoutAnAgentTheConfigurationStaysEmptyAndTheAppStarts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // A port nothing listens on: the first load gives up, the watch keeps trying in the background.
        builder.Configuration.AddInMemoryCollection([new("MESH_HTTP_ADDR", $"127.0.0.1:{Process.MeshProcess.StablePort()}")]);
        builder.AddMeshConfiguration("config/dashboard");
        using var host = builder.Build();
        using var configuration = (ConfigurationManager)host.Services.GetRequiredService<IConfiguration>();

        Assert.Null(configuration["Refresh"]);
    }

    [Fact]
    public async Task AServiceOutsideTheMeshResolvesToItsPassingInstancesAndFollowsChanges()
    {
        await PutAsync("/v1/agent/service/register", """{"Name":"web","ID":"web-1","Address":"127.0.0.1","Port":1234,"Check":{"CheckID":"web-1-ttl","TTL":"60s","Status":"passing"}}""");
        await PutAsync("/v1/agent/service/register", """{"Name":"web","ID":"web-2","Address":"127.0.0.1","Port":1235,"Check":{"CheckID":"web-2-ttl","TTL":"60s"}}""");
        var builder = App();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddMeshServiceDiscovery();
        using var host = builder.Build();
        var resolver = host.Services.GetRequiredService<ServiceEndpointResolver>();

        var endpoints = await resolver.GetEndpointsAsync("http://web", CancellationToken.None);
        Assert.Equal(["127.0.0.1:1234"], endpoints.Endpoints.Select(e => e.EndPoint.ToString()));

        await PutAsync("/v1/agent/check/pass/web-2-ttl", "");
        await EventuallyAsync(async () => (await resolver.GetEndpointsAsync("http://web", CancellationToken.None)).Endpoints.Count == 2, "both instances");
    }

    [Fact]
    public async Task AMeshAppResolvesItsUpstreamToTheSidecarListener()
    {
        await PutAsync("/v1/agent/service/register", """
            {"Name":"dashboard","Port":9002,"Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"DestinationName":"counting","LocalBindPort":5000}]}}}}
            """);
        var builder = App(("MESH_SERVICE_ID", "dashboard"));
        builder.Services.AddServiceDiscovery();
        builder.Services.AddMeshServiceDiscovery();
        using var host = builder.Build();
        var resolver = host.Services.GetRequiredService<ServiceEndpointResolver>();

        var endpoints = await resolver.GetEndpointsAsync("http://counting", CancellationToken.None);

        Assert.Equal(["127.0.0.1:5000"], endpoints.Endpoints.Select(e => e.EndPoint.ToString()));
        Assert.IsType<IPEndPoint>(endpoints.Endpoints[0].EndPoint);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultDeadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
