using Mesh.Server.Config;
using Mesh.Server.Connect.Proxy;
using Mesh.Server.State;

namespace Mesh.Server.Tests.Connect.Proxy;

/// <summary>An upstream's protocol from its destination's sidecars as the catalog lists them.</summary>
public sealed class DestinationSidecarsTests
{
    [Theory]
    [InlineData(new string[0], "tcp")]
    [InlineData(new[] { "http" }, "http")]
    [InlineData(new[] { "GRPC", "grpc" }, "grpc")]
    [InlineData(new[] { "http", "" }, "tcp")]
    [InlineData(new[] { "http2", "bogus" }, "tcp")]
    public void SidecarsThatAgreeGiveTheirProtocolAndOtherwiseTcp(string[] protocols, string expected)
    {
        var all = protocols.Select((p, i) => Sidecar($"counting-{i}", p)).ToList();

        Assert.Equal(expected, DestinationSidecars.From(all, []).Protocol);
    }

    [Fact]
    public void AnUnhealthySidecarStillCountsForTheProtocolButIsNotAnInstance()
    {
        var healthy = Sidecar("counting-1", "http");
        var sick = Sidecar("counting-2", "http");

        var sidecars = DestinationSidecars.From([healthy, sick], [healthy]);

        Assert.Equal(("http", 1), (sidecars.Protocol, sidecars.Healthy.Count));
    }

    private static ServiceEntry Sidecar(string id, string protocol) => new(
        new CatalogNode { Node = "n1" },
        new CatalogService
        {
            Node = "n1",
            ID = id + "-sidecar-proxy",
            Service = "counting-sidecar-proxy",
            Kind = "connect-proxy",
            Proxy = new ProxyDefinition { Config = protocol.Length == 0 ? null : new() { ["protocol"] = protocol } },
        },
        []);
}
