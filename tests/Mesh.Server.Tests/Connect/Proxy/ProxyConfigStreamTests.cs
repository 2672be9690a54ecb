using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Core;
using Mesh.Connect;
using Mesh.Connect.Proxy;
using Mesh.Server.Tests.Http;

namespace Mesh.Server.Tests.Connect.Proxy;

/// <summary>
/// The agent's proxy configuration stream on its gRPC port, from a whole in-process `mesh agent -dev`: the seed's
/// counting and dashboard services with their sidecars, and every change reaching the stream within a second.
/// </summary>
public sealed class ProxyConfigStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);
    private DevAgent _agent = null!;

    public async Task InitializeAsync()
    {
        _agent = await DevAgent.StartAsync();
        // The seed's services; counting's sidecar is healthy when its TTL check says so.
        await PutAsync("/v1/agent/service/register", """
            {"Name":"counting","ID":"counting-1","Port":9003,
             "Connect":{"SidecarService":{"Check":{"CheckID":"counting-sidecar-ttl","TTL":"60s"}}}}
            """);
        await PutAsync("/v1/agent/service/register", """
            {"Name":"dashboard","Port":9002,
             "Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"DestinationName":"counting","LocalBindPort":5000}]}}}}
            """);
    }

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private async Task PutAsync(string path, string body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _agent.Http.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private ProxySnapshotStream Watch(ProxyWatchRequest request) => new(_agent.Config.Ports.Grpc, request);

    [Fact]
    public async Task TheFirstSnapshotHasTheRegistrationTheLeafAndTheRoots()
    {
        await using var stream = Watch(new ProxyWatchRequest(SidecarFor: "dashboard"));

        var (snapshot, _) = await stream.WaitForAsync(_ => true, "anything");

        Assert.Equal(("dashboard-sidecar-proxy", "dashboard", "dashboard", _agent.Config.Datacenter), (snapshot.ProxyId, snapshot.Service, snapshot.ServiceId, snapshot.Datacenter));
        Assert.Equal(new ProxyEndpoint("127.0.0.1", 9002), snapshot.LocalApp);
        Assert.Equal("0.0.0.0", snapshot.Public.Address);
        Assert.InRange(snapshot.Public.Port, 21000, 21255);
        var upstream = Assert.Single(snapshot.Upstreams);
        Assert.Equal(("counting", "127.0.0.1", 5000), (upstream.DestinationName, upstream.LocalBindAddress, upstream.LocalBindPort));
        Assert.Empty(upstream.Instances);
        Assert.True(snapshot.DefaultAllow);
        // The leaf names the service and chains to the roots sent with it; its key is the certificate's.
        using var leaf = X509Certificate2.CreateFromPem(snapshot.Leaf.CertPem, snapshot.Leaf.PrivateKeyPem);
        Assert.Equal(SpiffeIds.Service(snapshot.TrustDomain, snapshot.Datacenter, "dashboard"), Assert.Single(CaAssert.UriSans(leaf)));
        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(snapshot.Leaf.CertPem, snapshot.Roots, DateTime.UtcNow));
        Assert.True(leaf.HasPrivateKey);
    }

    [Fact]
    public async Task AnUpstreamInstanceAppearsWhenItsSidecarTurnsHealthyAndGoesWhenItFails()
    {
        await using var stream = Watch(new ProxyWatchRequest(SidecarFor: "dashboard"));
        await stream.WaitForAsync(s => s.Upstreams[0].Instances.Count == 0, "no healthy counting sidecar");

        var mark = stream.Mark();
        await PutAsync("/v1/agent/check/pass/counting-sidecar-ttl", "");
        var (healthy, after) = await stream.WaitForAsync(s => s.Upstreams[0].Instances.Count == 1, "a healthy counting sidecar", mark);

        Assert.True(after < Budget, $"took {after}");
        var instance = healthy.Upstreams[0].Instances[0];
        Assert.Equal(("counting-1-sidecar-proxy", "127.0.0.1"), (instance.ProxyServiceId, instance.Address));
        Assert.InRange(instance.Port, 21000, 21255);

        mark = stream.Mark();
        await PutAsync("/v1/agent/check/fail/counting-sidecar-ttl", "");
        (_, after) = await stream.WaitForAsync(s => s.Upstreams[0].Instances.Count == 0, "the failed sidecar gone", mark);
        Assert.True(after < Budget, $"took {after}");
    }

    [Fact]
    public async Task IntentionsAboutTheServiceReachItsSidecar()
    {
        await using var stream = Watch(new ProxyWatchRequest(ProxyId: "counting-1-sidecar-proxy"));
        await stream.WaitForAsync(s => s.Intentions.Count == 0, "no intentions");

        var mark = stream.Mark();
        await PutAsync("/v1/connect/intentions/exact?source=dashboard&destination=counting", """{"Action":"deny"}""");
        var (denied, after) = await stream.WaitForAsync(s => s.Intentions.Count == 1, "the deny", mark);

        Assert.True(after < Budget, $"took {after}");
        var intention = Assert.Single(denied.Intentions);
        Assert.Equal(("dashboard", "counting", "deny"), (intention.SourceName, intention.DestinationName, intention.Action));

        // Intentions about other destinations stay out; the wildcard concerns every service.
        mark = stream.Mark();
        await PutAsync("/v1/connect/intentions/exact?source=dashboard&destination=web", """{"Action":"allow"}""");
        await PutAsync("/v1/connect/intentions/exact?source=*&destination=*", """{"Action":"allow"}""");
        var (both, _) = await stream.WaitForAsync(s => s.Intentions.Count == 2, "the wildcard too", mark);
        Assert.Equal(["counting", "*"], both.Intentions.Select(i => i.DestinationName).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task ARotatedCaBringsBothRootsAndANewLeafSignedByTheNewOne()
    {
        await using var stream = Watch(new ProxyWatchRequest(SidecarFor: "counting-1"));
        var (first, _) = await stream.WaitForAsync(s => s.Roots.Count == 1, "one root");

        var mark = stream.Mark();
        await PutAsync("/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"LeafCertTTL":"72h","PrivateKeyType":"ec","PrivateKeyBits":384}}""");
        var (rotated, after) = await stream.WaitForAsync(
            s => s.Roots.Count == 2 && s.Leaf.SerialNumber != first.Leaf.SerialNumber, "both roots and a new leaf", mark);

        Assert.True(after < Budget, $"took {after}");
        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(rotated.Leaf.CertPem, [rotated.Roots.Single(r => !first.Roots.Contains(r))], DateTime.UtcNow));
        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(first.Leaf.CertPem, rotated.Roots, DateTime.UtcNow));
        Assert.True(rotated.Version > first.Version);
    }

    [Fact]
    public async Task AnUnknownProxyIsNotFound()
    {
        await using var stream = Watch(new ProxyWatchRequest(SidecarFor: "nope"));

        await Eventually.TrueAsync(() => stream.Error is not null, "the stream to fail");
        Assert.Equal(StatusCode.NotFound, stream.Error!.StatusCode);
        Assert.Equal("No sidecar proxy registered for service ID \"nope\"", stream.Error.Status.Detail);
    }

    [Fact]
    public async Task ANewUpstreamInTheRegistrationIsFollowed()
    {
        await using var stream = Watch(new ProxyWatchRequest(SidecarFor: "dashboard"));
        await stream.WaitForAsync(s => s.Upstreams.Count == 1, "one upstream");

        var mark = stream.Mark();
        await PutAsync("/v1/agent/service/register", """
            {"Name":"dashboard","Port":9002,
             "Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"DestinationName":"counting","LocalBindPort":5000},{"DestinationName":"redis","LocalBindPort":6379}]}}}}
            """);
        var (snapshot, after) = await stream.WaitForAsync(s => s.Upstreams.Count == 2, "two upstreams", mark);

        Assert.True(after < Budget, $"took {after}");
        Assert.Equal(["counting", "redis"], snapshot.Upstreams.Select(u => u.DestinationName));
    }

    [Fact]
    public async Task TheProtocolIsTcpUnlessTheSidecarsProxyConfigSaysAndAnUpstreamTakesItsDestinations()
    {
        await using var dashboard = Watch(new ProxyWatchRequest(SidecarFor: "dashboard"));
        await using var counting = Watch(new ProxyWatchRequest(SidecarFor: "counting-1"));
        await dashboard.WaitForAsync(s => s.Protocol == "tcp" && s.Upstreams[0].Protocol == "tcp", "tcp, Consul's default, both ways");
        await counting.WaitForAsync(s => s.Protocol == "tcp", "tcp for counting");

        var mark = dashboard.Mark();
        await PutAsync("/v1/agent/service/register", """
            {"Name":"counting","ID":"counting-1","Port":9003,
             "Connect":{"SidecarService":{"Proxy":{"Config":{"protocol":"HTTP","bind_port":21500}},"Check":{"CheckID":"counting-sidecar-ttl","TTL":"60s"}}}}
            """);
        await counting.WaitForAsync(s => s.Protocol == "http", "counting's sidecar in http");
        // Without a protocol of its own, the upstream speaks what the destination's sidecars are registered with.
        var (_, after) = await dashboard.WaitForAsync(s => s.Upstreams[0].Protocol == "http", "the upstream following counting's sidecar", mark);
        Assert.True(after < Budget, $"took {after}");

        // Proxy.Config is opaque: /v1/agent/services shows it as given.
        var proxy = (await _agent.Http.GetFromJsonAsync<JsonElement>("/v1/agent/services")).GetProperty("counting-1-sidecar-proxy").GetProperty("Proxy");
        Assert.Equal("""{"protocol":"HTTP","bind_port":21500}""", proxy.GetProperty("Config").GetRawText());

        // The upstream's own Config.protocol wins over the destination's.
        await PutAsync("/v1/agent/service/register", """
            {"Name":"dashboard","Port":9002,
             "Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"DestinationName":"counting","LocalBindPort":5000,"Config":{"protocol":"tcp"}}]}}}}
            """);
        await dashboard.WaitForAsync(s => s.Upstreams[0].Protocol == "tcp" && s.Protocol == "tcp", "the upstream's own protocol");
    }
}
