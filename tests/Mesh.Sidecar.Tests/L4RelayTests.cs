using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Sidecar.Tests.Harness;
using Mesh.Tests.Telemetry;

namespace Mesh.Sidecar.Tests;

/// <summary>
/// Both sidecars registered with protocol tcp (Consul's default): the L4 relay, through real processes, sockets
/// and mTLS. dashboard's upstream listener takes plain TCP and relays bytes to counting's sidecar over mTLS, which
/// checks intentions once per connection and relays them to the app.
/// </summary>
public sealed class L4RelayTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);
    private const string Payload = "HELO not-http \u0001\u0002 bytes\n";

    [Fact]
    public async Task ATcpUpstreamCarriesHttpKeepAliveRequestsAsBytes()
    {
        await using var mesh = await TestMesh.StartAsync(protocol: "tcp");
        await mesh.SetIntentionAsync("dashboard", "counting", "allow");
        await mesh.WaitForStatusAsync(200, Startup);
        var before = mesh.Counting[0].App.Requests;

        using var client = await RawClient.ConnectAsync(mesh.UpstreamPort);
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var first = await client.GetAsync("/a", $"traceparent: {traceParent}\r\n");
        var second = await client.GetAsync("/b", $"traceparent: {traceParent}\r\n");

        Assert.Equal((200, "counting-1 GET /a"), (first.Status, first.Body));
        Assert.Equal((200, "counting-1 GET /b"), (second.Status, second.Body));
        // An HTTP proxy would have started its spans and replaced the traceparent; a byte relay passes it untouched.
        Assert.Contains($"{TestApp.TraceParentHeader}: {traceParent}\r\n", first.Headers, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before + 2, mesh.Counting[0].App.Requests);
        // The HCL block `proxy { config { protocol = "tcp" } }` is opaque config: the agent shows it as given.
        var proxy = (await mesh.Agent.Http.GetFromJsonAsync<JsonElement>("/v1/agent/services")).GetProperty("counting-1-sidecar-proxy").GetProperty("Proxy");
        Assert.Equal("""{"protocol":"tcp"}""", proxy.GetProperty("Config").GetRawText());
    }

    [Fact]
    public async Task ATcpUpstreamRelaysRawBytesAndAHalfCloseBothWays()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var mesh = await TestMesh.StartAsync(protocol: "tcp", countingApp: EchoApp.StartAsync, otlpEndpoint: otlp.Endpoint);
        await WaitForEchoAsync(mesh);

        // Not HTTP: the echo server answers bytes; and after the client shuts down its writes it still reads the
        // trailer the server writes on end of input, so the half-close crossed both sidecars and came back.
        using var client = await RawClient.ConnectAsync(mesh.UpstreamPort);
        await client.SendAsync(Payload);
        Assert.Equal(Payload, await client.ReadAsync(Payload.Length));
        await client.SendAsync("more\n");
        client.ShutdownSend();
        Assert.Equal("more\n" + EchoApp.Trailer, await client.ReadToEndAsync());

        await Eventually.TrueAsync(() => Task.FromResult(
            otlp.MetricsContain("mesh.proxy.bytes") && otlp.MetricsContain("mesh.proxy.connections.active")), Startup, () => "no mesh.proxy.bytes metric");
        // Each closed connection is one span on each side.
        await Eventually.TrueAsync(() => Task.FromResult(
            otlp.TracesContain("mesh.proxy.outbound"u8.ToArray(), "mesh.protocol"u8.ToArray())
            && otlp.TracesContain("mesh.proxy.inbound"u8.ToArray(), "mesh.protocol"u8.ToArray())), Startup, () => "no connection spans");
    }

    [Fact]
    public async Task AnL4DenyClosesAnOpenTcpConnectionWithinOneSecondAndRefusesNewOnes()
    {
        await using var mesh = await TestMesh.StartAsync(protocol: "tcp", countingApp: EchoApp.StartAsync);
        await mesh.SetIntentionAsync("dashboard", "counting", "allow");
        await WaitForEchoAsync(mesh);
        using var open = await RawClient.ConnectAsync(mesh.UpstreamPort);
        await open.SendAsync("x");
        Assert.Equal("x", await open.ReadAsync(1));

        var flipped = Stopwatch.StartNew();
        await mesh.SetIntentionAsync("dashboard", "counting", "deny");
        Assert.True(await open.ClosedWithinAsync(TimeSpan.FromSeconds(5)), $"the open connection stayed open\n{mesh.Logs()}");
        Assert.True(flipped.Elapsed < TimeSpan.FromSeconds(1), $"closing the open connection took {flipped.Elapsed.TotalMilliseconds} ms");

        var connections = mesh.Counting[0].App.Requests;
        Assert.Equal("", await EchoOnceAsync(mesh));
        Assert.Equal(connections, mesh.Counting[0].App.Requests);

        await mesh.SetIntentionAsync("dashboard", "counting", "allow");
        await WaitForEchoAsync(mesh);
    }

    [Fact]
    public async Task OnATcpUpstreamAnInstanceThatCannotProveItIsTheDestinationGetsNoBytes()
    {
        await using var mesh = await TestMesh.StartAsync(protocol: "tcp");
        await mesh.WaitForStatusAsync(200, Startup);
        var counting = mesh.Counting[0];
        await counting.Sidecar.KillAsync();

        using var webLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "web");
        await using (await Impostor.StartAsync(counting.PublicPort, webLeaf))
        {
            // Reached (its TLS handshake ran) and refused by the certificate check, as on the HTTP path.
            await Eventually.TrueAsync(async () =>
            {
                await mesh.GetAsync();
                return mesh.Dashboard.Output.Contains("it presents service web", StringComparison.Ordinal);
            }, Startup, mesh.Logs);
            for (var i = 0; i < 10; i++)
            {
                var (status, body, _) = await mesh.GetAsync();
                Assert.True(status == 0, $"answered {status}: {body}");
            }
        }

        // The control: the same server with a counting certificate gets the bytes.
        using var countingLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "counting");
        await using (await Impostor.StartAsync(counting.PublicPort, countingLeaf))
        {
            await Eventually.TrueAsync(async () => (await mesh.GetAsync()).Body == "impostor", Startup, mesh.Logs);
        }
    }

    [Fact]
    public async Task ATcpPublicListenerLetsInOnlyAnAllowedMeshIdentity()
    {
        await using var mesh = await TestMesh.StartAsync(protocol: "tcp");
        await mesh.SetIntentionAsync("intruder", "counting", "deny");
        // L7 permissions cannot be checked on bytes: a source they govern is refused on a tcp service.
        using (var put = await mesh.Agent.Http.PutAsJsonAsync("/v1/connect/intentions/exact?source=web&destination=counting", new
        {
            Permissions = new[] { new { Action = "allow", HTTP = new { PathPrefix = "/" } } },
        }))
        {
            put.EnsureSuccessStatusCode();
        }
        await mesh.WaitForStatusAsync(200, Startup);
        var publicPort = mesh.Counting[0].PublicPort;
        using var foreignCa = new TestCa(trustDomain: "11111111-2222-3333-4444-555555555555.consul");

        using var dashboardLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "dashboard");
        using var intruderLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "intruder");
        using var webLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "web");
        using var foreignLeaf = foreignCa.Leaf("dashboard");
        using var asDashboard = MeshClients.Direct(publicPort, dashboardLeaf);
        using var anonymous = MeshClients.Direct(publicPort, null);
        using var asIntruder = MeshClients.Direct(publicPort, intruderLeaf);
        using var asWeb = MeshClients.Direct(publicPort, webLeaf);
        using var fromForeignCa = MeshClients.Direct(publicPort, foreignLeaf);

        // The control: a dashboard leaf from the mesh CA is let in, so the refusals below are the identity's doing.
        Assert.Equal(200, await MeshClients.StatusAsync(asDashboard));
        Assert.Equal(0, await MeshClients.StatusAsync(anonymous));
        Assert.Equal(0, await MeshClients.StatusAsync(fromForeignCa));
        Assert.Equal(0, await MeshClients.StatusAsync(asIntruder));
        Assert.Equal(0, await MeshClients.StatusAsync(asWeb));
    }

    private static Task WaitForEchoAsync(TestMesh mesh) => Eventually.TrueAsync(
        async () => await EchoOnceAsync(mesh) == Payload + EchoApp.Trailer, Startup, () => $"no echo through the upstream\n{mesh.Logs()}");

    /// <summary>One connection through dashboard's upstream: the payload, a half-close, and whatever comes back ("" when refused).</summary>
    private static async Task<string> EchoOnceAsync(TestMesh mesh)
    {
        try
        {
            using var client = await RawClient.ConnectAsync(mesh.UpstreamPort);
            await client.SendAsync(Payload);
            client.ShutdownSend();
            return await client.ReadToEndAsync();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "";
        }
    }
}
