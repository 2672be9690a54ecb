using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Server.Tests.Process;

namespace Mesh.Server.Tests.Connect;

/// <summary>The real `mesh agent -dev` binary: its CA roots and a leaf that verifies against them.</summary>
public sealed class ConnectCaProcessTests
{
    [Fact]
    public async Task DevAgentIssuesLeavesThatVerify()
    {
        await using var agent = await AgentProcess.StartAsync("-dev");
        JsonElement roots = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var document = JsonDocument.Parse(await agent.Http.GetStringAsync("/v1/connect/ca/roots"));
            roots = document.RootElement.Clone();
            if (roots.GetProperty("Roots").GetArrayLength() > 0)
            {
                break;
            }
            await Task.Delay(50);
        }
        var root = Assert.Single(roots.GetProperty("Roots").EnumerateArray());

        using var leafDocument = JsonDocument.Parse(await agent.Http.GetStringAsync("/v1/agent/connect/ca/leaf/api"));
        var leaf = leafDocument.RootElement;

        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.GetProperty("CertPEM").GetString()!, [root.GetProperty("RootCert").GetString()!]));
        using var cert = X509Certificate2.CreateFromPem(leaf.GetProperty("CertPEM").GetString());
        Assert.Equal([$"spiffe://{roots.GetProperty("TrustDomain").GetString()}/ns/default/dc/dc1/svc/api"], CaAssert.UriSans(cert));

        var config = await agent.CliAsync("connect", "ca", "get-config");
        Assert.Equal(0, config.ExitCode);
        Assert.Contains("\t\"Provider\": \"consul\",\n", config.Stdout, StringComparison.Ordinal);
    }
}
