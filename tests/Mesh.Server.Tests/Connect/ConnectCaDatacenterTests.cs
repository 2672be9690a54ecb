using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Server.Tests.Datacenter;
using Xunit.Abstractions;

namespace Mesh.Server.Tests.Connect;

/// <summary>
/// Three real Raft servers with Connect on: the leader creates one root for all, followers answer through the
/// leader (the CA read travels over agent RPC), and a rotation asked of a follower reaches every server.
/// </summary>
[Collection(DatacenterCollection.Name)]
public sealed class ConnectCaDatacenterTests(ITestOutputHelper output)
{
    private static JsonElement Json(ApiAnswer answer)
    {
        using var document = JsonDocument.Parse(answer.Body);
        return document.RootElement.Clone();
    }

    private static Task<ApiAnswer> RootsAsync(DatacenterAgent agent, int count) => Poll.UntilAsync(
        () => agent.CallAsync(HttpMethod.Get, "/v1/connect/ca/roots"),
        answer => answer.Status == HttpStatusCode.OK && Json(answer).GetProperty("Roots").GetArrayLength() == count,
        $"{count} CA root(s) on {agent}",
        Datacenter.Datacenter.Deadline);

    [Fact]
    public async Task Servers_share_one_ca_and_a_rotation_on_a_follower_reaches_all()
    {
        await using var datacenter = await Datacenter.Datacenter.StartAsync(output, "connect { enabled = true }");
        var leader = await datacenter.WaitForLeaderAsync();
        var follower = datacenter.Servers.First(s => s != leader);

        var rootIds = new HashSet<string>();
        foreach (var server in datacenter.Servers)
        {
            rootIds.Add(Json(await RootsAsync(server, 1)).GetProperty("ActiveRootID").GetString()!);
        }
        var first = Assert.Single(rootIds);

        var leaf = Json(await follower.CallAsync(HttpMethod.Get, "/v1/agent/connect/ca/leaf/web"));
        var roots = Json(await RootsAsync(follower, 1));
        var rootPem = roots.GetProperty("Roots")[0].GetProperty("RootCert").GetString()!;
        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.GetProperty("CertPEM").GetString()!, [rootPem]));

        var put = await follower.CallAsync(HttpMethod.Put, "/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"PrivateKeyBits":384}}""");
        Assert.True(put.Status == HttpStatusCode.OK, put.ToString());
        foreach (var server in datacenter.Servers)
        {
            var after = Json(await RootsAsync(server, 2));
            Assert.NotEqual(first, after.GetProperty("ActiveRootID").GetString());
            var pems = after.GetProperty("Roots").EnumerateArray().Select(r => r.GetProperty("RootCert").GetString()!).ToList();
            Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.GetProperty("CertPEM").GetString()!, pems));
        }

        var client = await datacenter.AddClientAsync();
        Assert.Equal(2, Json(await RootsAsync(client, 2)).GetProperty("Roots").GetArrayLength());
        // A client agent makes the key itself and has a server sign it, under the active root.
        var clientLeaf = await client.CallAsync(HttpMethod.Get, "/v1/agent/connect/ca/leaf/web");
        Assert.True(clientLeaf.Status == HttpStatusCode.OK, clientLeaf.Body);
        var clientRoots = Json(await RootsAsync(client, 2));
        var active = clientRoots.GetProperty("Roots").EnumerateArray().Single(r => r.GetProperty("Active").GetBoolean()).GetProperty("RootCert").GetString()!;
        var signed = Json(clientLeaf);
        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(signed.GetProperty("CertPEM").GetString()!, [active]));
        using var withKey = X509Certificate2.CreateFromPem(signed.GetProperty("CertPEM").GetString(), signed.GetProperty("PrivateKeyPEM").GetString());
        Assert.True(withKey.HasPrivateKey);
    }
}
