using System.Net.Http.Json;

namespace Mesh.AppHost.Tests;

public sealed class DemoDatacenterTests(AppHostFixture fixture) : IClassFixture<AppHostFixture>
{
    [Fact]
    public async Task The_mesh_agent_serves_the_consul_api()
    {
        using var http = fixture.App.CreateHttpClient("mesh", "http");

        var leader = await http.GetFromJsonAsync<string>("/v1/status/leader");
        Assert.Matches(@":\d+$", leader);

        using var put = await http.PutAsync("/v1/kv/apphost/probe", new StringContent("ok"));
        put.EnsureSuccessStatusCode();
        Assert.Equal("ok", await http.GetStringAsync("/v1/kv/apphost/probe?raw"));

        var services = await http.GetFromJsonAsync<Dictionary<string, string[]>>("/v1/catalog/services");
        Assert.Contains("consul", services!.Keys);
    }
}
