using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Mesh.Server.Tests.Http;

namespace Mesh.Server.Tests.Connect;

/// <summary>The CA endpoints of a whole in-process `mesh agent -dev` (composed as the binary composes it).</summary>
public sealed class ConnectCaEndpointTests : IAsyncLifetime
{
    private DevAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await DevAgent.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private async Task<(JsonElement Json, ulong Index)> GetAsync(string path)
    {
        using var response = await _agent.Http.GetAsync(path);
        return (await TestApi.JsonOf(response), TestApi.IndexOf(response));
    }

    private async Task<JsonElement> RootsAsync()
    {
        // The leader creates the first root just after start.
        var deadline = DateTime.UtcNow + Eventually.DefaultDeadline;
        while (true)
        {
            var (roots, _) = await GetAsync("/v1/connect/ca/roots");
            if (roots.GetProperty("Roots").GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                return roots;
            }
            await Task.Delay(20);
        }
    }

    private async Task PutConfigAsync(string body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _agent.Http.PutAsync("/v1/connect/ca/configuration", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(expected == response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RootsAreConsulShaped()
    {
        var roots = await RootsAsync();

        var trustDomain = roots.GetProperty("TrustDomain").GetString()!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.consul$", trustDomain);
        var root = Assert.Single(roots.GetProperty("Roots").EnumerateArray());
        Assert.Equal(roots.GetProperty("ActiveRootID").GetString(), root.GetProperty("ID").GetString());
        Assert.Equal(
            ["ID", "Name", "SerialNumber", "SigningKeyID", "NotBefore", "NotAfter", "RootCert", "IntermediateCerts", "Active", "PrivateKeyType", "PrivateKeyBits", "CreateIndex", "ModifyIndex"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Consul CA Primary Cert", root.GetProperty("Name").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("IntermediateCerts").ValueKind);
        Assert.True(root.GetProperty("Active").GetBoolean());
        Assert.Equal("ec", root.GetProperty("PrivateKeyType").GetString());
        Assert.Equal(256, root.GetProperty("PrivateKeyBits").GetInt32());
        Assert.EndsWith("Z", root.GetProperty("NotBefore").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", roots.GetRawText(), StringComparison.Ordinal);
        using var cert = X509Certificate2.CreateFromPem(root.GetProperty("RootCert").GetString());
        Assert.Equal([$"spiffe://{trustDomain}"], CaAssert.UriSans(cert));

        var (agentRoots, _) = await GetAsync("/v1/agent/connect/ca/roots");
        Assert.Equal(roots.GetRawText(), agentRoots.GetRawText());

        using var pem = await _agent.Http.GetAsync("/v1/connect/ca/roots?pem=true");
        Assert.Equal("application/pem-certificate-chain", pem.Content.Headers.ContentType?.MediaType);
        Assert.Equal(root.GetProperty("RootCert").GetString(), await pem.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LeafVerifiesAgainstTheRoots()
    {
        var roots = await RootsAsync();

        var (leaf, index) = await GetAsync("/v1/agent/connect/ca/leaf/web");

        Assert.Equal(
            ["SerialNumber", "CertPEM", "PrivateKeyPEM", "Service", "ServiceURI", "ValidAfter", "ValidBefore", "CreateIndex", "ModifyIndex"],
            leaf.EnumerateObject().Select(p => p.Name));
        Assert.Equal("web", leaf.GetProperty("Service").GetString());
        Assert.Equal($"spiffe://{roots.GetProperty("TrustDomain").GetString()}/ns/default/dc/dc1/svc/web", leaf.GetProperty("ServiceURI").GetString());
        Assert.Equal(index, leaf.GetProperty("ModifyIndex").GetUInt64());
        var rootPems = roots.GetProperty("Roots").EnumerateArray().Select(r => r.GetProperty("RootCert").GetString()!).ToList();
        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.GetProperty("CertPEM").GetString()!, rootPems));
        var validity = leaf.GetProperty("ValidBefore").GetDateTime() - leaf.GetProperty("ValidAfter").GetDateTime();
        Assert.Equal(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1), validity);
        var (again, _) = await GetAsync("/v1/agent/connect/ca/leaf/web");
        Assert.Equal(leaf.GetProperty("SerialNumber").GetString(), again.GetProperty("SerialNumber").GetString());
    }

    [Fact]
    public async Task ConfigurationReadsAndRotates()
    {
        var before = await RootsAsync();
        var (config, _) = await GetAsync("/v1/connect/ca/configuration");
        Assert.Equal("consul", config.GetProperty("Provider").GetString());
        Assert.Equal("72h", config.GetProperty("Config").GetProperty("LeafCertTTL").GetString());
        Assert.Equal(256, config.GetProperty("Config").GetProperty("PrivateKeyBits").GetInt32());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("State").ValueKind);
        var (leaf, leafIndex) = await GetAsync("/v1/agent/connect/ca/leaf/web");

        var blockedLeaf = _agent.Http.GetAsync($"/v1/agent/connect/ca/leaf/web?index={leafIndex}&wait=30s");
        var (_, rootsIndex) = await GetAsync("/v1/connect/ca/roots");
        var blockedRoots = _agent.Http.GetAsync($"/v1/connect/ca/roots?index={rootsIndex}&wait=30s");
        await PutConfigAsync("""{"Provider":"consul","Config":{"LeafCertTTL":"72h","PrivateKeyType":"ec","PrivateKeyBits":384}}""");

        using (var response = await blockedRoots.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            var after = await TestApi.JsonOf(response);
            var listed = after.GetProperty("Roots").EnumerateArray().ToList();
            Assert.Equal(2, listed.Count);
            var old = listed.Single(r => r.GetProperty("ID").GetString() == before.GetProperty("ActiveRootID").GetString());
            Assert.False(old.GetProperty("Active").GetBoolean());
            Assert.Equal(384, listed.Single(r => r.GetProperty("Active").GetBoolean()).GetProperty("PrivateKeyBits").GetInt32());
            var rootPems = listed.Select(r => r.GetProperty("RootCert").GetString()!).ToList();
            // The leaf of the old root still verifies while its root is listed.
            Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.GetProperty("CertPEM").GetString()!, rootPems));
        }
        using (var response = await blockedLeaf.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            var renewed = await TestApi.JsonOf(response);
            Assert.True(TestApi.IndexOf(response) > leafIndex);
            Assert.NotEqual(leaf.GetProperty("SerialNumber").GetString(), renewed.GetProperty("SerialNumber").GetString());
            using var cert = X509Certificate2.CreateFromPem(renewed.GetProperty("CertPEM").GetString());
            var (now, _) = await GetAsync("/v1/connect/ca/roots");
            var active = now.GetProperty("Roots").EnumerateArray().Single(r => r.GetProperty("Active").GetBoolean());
            Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(renewed.GetProperty("CertPEM").GetString()!, [active.GetProperty("RootCert").GetString()!]));
        }
        var (updated, _) = await GetAsync("/v1/connect/ca/configuration");
        Assert.Equal(384, updated.GetProperty("Config").GetProperty("PrivateKeyBits").GetInt32());
        Assert.True(updated.GetProperty("ModifyIndex").GetUInt64() > config.GetProperty("ModifyIndex").GetUInt64());
    }

    [Fact]
    public async Task BadConfigurationIsA400()
    {
        await RootsAsync();
        await PutConfigAsync("""{"Provider":"vault","Config":{}}""", HttpStatusCode.BadRequest);
        await PutConfigAsync("""{"Config":{"PrivateKeyBits":"lots"}}""", HttpStatusCode.BadRequest);
        Assert.Single((await RootsAsync()).GetProperty("Roots").EnumerateArray());
    }
}
