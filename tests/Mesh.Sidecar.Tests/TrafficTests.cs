using System.Diagnostics;
using System.Net.Http.Json;
using Mesh.Sidecar.Tests.Harness;
using Mesh.Tests.Telemetry;

namespace Mesh.Sidecar.Tests;

/// <summary>dashboard → its sidecar → counting's sidecar → counting, through real processes, sockets and mTLS.</summary>
public sealed class TrafficTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnAllowedRequestReachesTheAppBehindTheOtherSidecarInOneTrace()
    {
        await using var mesh = await TestMesh.StartAsync();
        await mesh.SetIntentionAsync("dashboard", "counting", "allow");
        await mesh.WaitForStatusAsync(200, Startup);

        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/count?x=1");
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        using var response = await mesh.Upstream.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("counting-1 GET /count", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(response.Headers.GetValues(TestApp.TraceParentHeader));
        Assert.Equal(traceId.ToString(), seen.Split('-')[1]);
        // The sidecars' spans sit between the caller's and the app's: the app's parent is not the caller's span.
        Assert.NotEqual(callerSpan.ToString(), seen.Split('-')[2]);
    }

    [Fact]
    public async Task BothSidecarsExportTheirSpansInTheCallersTraceAndTheirMetrics()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var mesh = await TestMesh.StartAsync(otlpEndpoint: otlp.Endpoint);
        await mesh.WaitForStatusAsync(200, Startup);

        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/traced");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await mesh.Upstream.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);

        var traceBytes = Convert.FromHexString(traceId.ToHexString());
        await Eventually.TrueAsync(() => Task.FromResult(
            otlp.TracesContain(traceBytes, "mesh.proxy.outbound"u8.ToArray())
            && otlp.TracesContain(traceBytes, "mesh.proxy.inbound"u8.ToArray())), Startup, () => $"no mesh.proxy spans in trace {traceId}");
        await Eventually.TrueAsync(() => Task.FromResult(
            otlp.MetricsContain("mesh.proxy.requests") && otlp.MetricsContain("mesh.proxy.duration")
            && otlp.MetricsContain("mesh.proxy.connections.active")), Startup, () => "no mesh.proxy metrics");
    }

    [Fact]
    public async Task ASidecarNamedByProxyIdFindsTheAgentThroughTheEnvironment()
    {
        await using var mesh = await TestMesh.StartAsync(dashboardByProxyId: true);
        await mesh.WaitForStatusAsync(200, Startup);

        Assert.StartsWith("counting-1 ", (await mesh.GetAsync()).Body);
    }

    [Fact]
    public async Task AnL4DenyRefusesAndAFlipTakesEffectWithinOneSecond()
    {
        await using var mesh = await TestMesh.StartAsync();
        await mesh.SetIntentionAsync("dashboard", "counting", "allow");
        await mesh.WaitForStatusAsync(200, Startup);

        // The keep-alive connection between the sidecars is open now; the deny must close it, not just new ones.
        var flipped = Stopwatch.StartNew();
        await mesh.SetIntentionAsync("dashboard", "counting", "deny");
        await Eventually.TrueAsync(async () => (await mesh.GetAsync()).Status is not 200, TimeSpan.FromSeconds(5), mesh.Logs);
        Assert.True(flipped.Elapsed < TimeSpan.FromSeconds(1), $"the deny took {flipped.Elapsed.TotalMilliseconds} ms");
        var reached = mesh.Counting[0].App.Requests;
        var denied = await mesh.GetAsync();
        Assert.True(denied.Status is 502 or 503, $"denied request answered {denied.Status}: {denied.Body}");
        Assert.Equal(reached, mesh.Counting[0].App.Requests);

        flipped.Restart();
        await mesh.SetIntentionAsync("dashboard", "counting", "allow");
        await Eventually.TrueAsync(async () => (await mesh.GetAsync()).Status is 200, TimeSpan.FromSeconds(5), mesh.Logs);
        Assert.True(flipped.Elapsed < TimeSpan.FromSeconds(1), $"the allow took {flipped.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task AnL7DenyAnswers403NamingTheIntention()
    {
        await using var mesh = await TestMesh.StartAsync();
        using (var put = await mesh.Agent.Http.PutAsJsonAsync("/v1/connect/intentions/exact?source=dashboard&destination=counting", new
        {
            Permissions = new[] { new { Action = "deny", HTTP = new { PathPrefix = "/admin" } } },
        }))
        {
            put.EnsureSuccessStatusCode();
        }
        await Eventually.TrueAsync(async () => (await mesh.GetAsync("/admin/x")).Status == 403, Startup, mesh.Logs);

        var denied = await mesh.GetAsync("/admin/x");
        Assert.Contains("Matched L7 intention: dashboard => counting", denied.Body);
        // No permission matches /public: the default policy (allow in -dev) decides.
        Assert.Equal(200, (await mesh.GetAsync("/public")).Status);
    }

    [Fact]
    public async Task OnlyAnAllowedMeshIdentityGetsThroughThePublicPort()
    {
        await using var mesh = await TestMesh.StartAsync();
        await mesh.SetIntentionAsync("intruder", "counting", "deny");
        await mesh.WaitForStatusAsync(200, Startup);
        var publicPort = mesh.Counting[0].PublicPort;
        using var foreignCa = new TestCa(trustDomain: "11111111-2222-3333-4444-555555555555.consul");

        using var dashboardLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "dashboard");
        using var intruderLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "intruder");
        using var foreignLeaf = foreignCa.Leaf("dashboard");
        using var asDashboard = MeshClients.Direct(publicPort, dashboardLeaf);
        using var anonymous = MeshClients.Direct(publicPort, null);
        using var asIntruder = MeshClients.Direct(publicPort, intruderLeaf);
        using var fromForeignCa = MeshClients.Direct(publicPort, foreignLeaf);

        // The control: a dashboard leaf from the mesh CA is let in, so the refusals below are the identity's doing.
        Assert.Equal(200, await MeshClients.StatusAsync(asDashboard));
        Assert.Equal(0, await MeshClients.StatusAsync(anonymous));
        Assert.Equal(0, await MeshClients.StatusAsync(fromForeignCa));
        Assert.Equal(0, await MeshClients.StatusAsync(asIntruder));
    }

    [Fact]
    public async Task AnInstanceThatCannotProveItIsTheDestinationGetsNoRequest()
    {
        await using var mesh = await TestMesh.StartAsync();
        await mesh.WaitForStatusAsync(200, Startup);
        var counting = mesh.Counting[0];
        await counting.Sidecar.KillAsync();

        // On counting's public port, with a genuine mesh certificate, but for another service.
        using var webLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "web");
        await using (await Impostor.StartAsync(counting.PublicPort, webLeaf))
        {
            // Listed and reachable (its health check passes), and still refused: the TLS check is what stops it.
            await Eventually.TrueAsync(async () => (await mesh.GetAsync()).Body.Contains("could be reached"), Startup, mesh.Logs);
            for (var i = 0; i < 10; i++)
            {
                var (status, body, _) = await mesh.GetAsync();
                Assert.True(status == 503, $"answered {status}: {body}");
            }
        }

        // The control: the same server with a counting certificate is taken for counting.
        using var countingLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "counting");
        await using (await Impostor.StartAsync(counting.PublicPort, countingLeaf))
        {
            await Eventually.TrueAsync(async () => (await mesh.GetAsync()).Body == "impostor", Startup, mesh.Logs);
        }
    }

    [Fact]
    public async Task TheSecondInstanceTakesOverWhenTheFirstIsGone()
    {
        await using var mesh = await TestMesh.StartAsync(countingInstances: 2);
        var answered = new HashSet<string>();
        await Eventually.TrueAsync(async () =>
        {
            var (status, body, _) = await mesh.GetAsync();
            if (status == 200)
            {
                answered.Add(body.Split(' ')[0]);
            }
            return answered.Count == 2;
        }, Startup, () => $"answered by {string.Join(",", answered)}\n{mesh.Logs()}");

        await mesh.Counting[0].Sidecar.KillAsync();

        // Before the agent even notices, a refused connection moves the request to the other instance.
        for (var i = 0; i < 50; i++)
        {
            var (status, body, _) = await mesh.GetAsync();
            Assert.True(status == 200, $"request {i} answered {status}: {body}\n{mesh.Logs()}");
            Assert.StartsWith("counting-2 ", body);
        }
    }

    [Fact]
    public async Task ACertificateRotationUnderLoadDropsNoRequest()
    {
        await using var mesh = await TestMesh.StartAsync();
        await mesh.SetIntentionAsync("dashboard", "counting", "allow");
        await mesh.WaitForStatusAsync(200, Startup);
        using var probeLeaf = await MeshClients.AgentLeafAsync(mesh.Agent, "probe");
        using var countingLeaf = await MeshClients.ServerCertificateAsync(mesh.Counting[0].PublicPort, probeLeaf);
        using var dashboardLeaf = await MeshClients.ServerCertificateAsync(mesh.DashboardPublicPort, probeLeaf);

        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var succeeded = 0;
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, body, response) = await mesh.GetAsync();
                response?.Dispose();
                if (status == 200)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    failures.Enqueue($"{status}: {body}");
                }
            }
        })).ToArray();

        // A new key type makes the CA rotate to a new root: every leaf is re-signed and the roots change.
        using (var put = await mesh.Agent.Http.PutAsJsonAsync("/v1/connect/ca/configuration", new
        {
            Provider = "consul",
            Config = new { PrivateKeyType = "rsa", PrivateKeyBits = 2048 },
        }))
        {
            put.EnsureSuccessStatusCode();
        }
        // Both sidecars serve (and so also present outbound) a leaf of the new root.
        await Eventually.TrueAsync(async () =>
        {
            using var newProbe = await MeshClients.AgentLeafAsync(mesh.Agent, "probe");
            using var counting = await MeshClients.ServerCertificateAsync(mesh.Counting[0].PublicPort, newProbe);
            using var dashboard = await MeshClients.ServerCertificateAsync(mesh.DashboardPublicPort, newProbe);
            return counting.Thumbprint != countingLeaf.Thumbprint && dashboard.Thumbprint != dashboardLeaf.Thumbprint
                && counting.Issuer != countingLeaf.Issuer;
        }, TimeSpan.FromSeconds(30), mesh.Logs);
        var atRotation = Volatile.Read(ref succeeded);
        // Keep the load on across the rotation of the dashboard side and the retirement of the old connections.
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref succeeded) > atRotation + 200), TimeSpan.FromSeconds(30), mesh.Logs);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(failures.IsEmpty, $"{failures.Count} of {succeeded + failures.Count} failed, first: {failures.FirstOrDefault()}\n{mesh.Logs()}");
        Assert.True(succeeded > 200);
    }
}
