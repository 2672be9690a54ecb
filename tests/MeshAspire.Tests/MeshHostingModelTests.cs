namespace MeshAspire.Tests;

/// <summary>What Mesh.Hosting declares in an app model: resources, parents, command lines, endpoints. No process runs.</summary>
public sealed class MeshHostingModelTests
{
    [Fact]
    public async Task Five_servers_expect_five_and_each_joins_the_other_four()
    {
        var builder = CreateBuilder();
        var datacenter = builder.AddMeshDatacenter<Projects.Mesh_Server, Projects.Mesh_Sidecar>("east")
            .WithServers(5)
            .WithIntention("web", "api", allow: false);

        var servers = datacenter.Resource.Servers;
        Assert.Equal(["east-server-1", "east-server-2", "east-server-3", "east-server-4", "east-server-5"], servers.Select(s => s.Resource.Name));
        Assert.Equal([new MeshIntention("web", "api", Allow: false)], datacenter.Resource.Intentions);
        Assert.Equal(5, servers.Select(s => s.Ports.Http).Distinct().Count());
        foreach (var server in servers)
        {
            ModelAssert.ChildOf(datacenter.Resource, server.Resource);
            Assert.Contains("http", ModelAssert.EndpointNames(server.Resource));
            Assert.Contains("server", ModelAssert.EndpointNames(server.Resource));
            var args = await ModelAssert.ArgsAsync(server.Resource);
            Assert.Equal("agent", args[0]);
            Assert.Contains("-server", args);
            Assert.Equal(server.Resource.Name, ModelAssert.Value(args, "node"));
            Assert.Equal("5", ModelAssert.Value(args, "bootstrap-expect"));
            var joins = ModelAssert.Values(args, "retry-join");
            Assert.Equal(servers.Where(s => s != server).Select(s => s.Ports.SerfAddress).Order(), joins.Order());
        }
    }

    [Fact]
    public async Task A_mesh_service_gets_its_own_agent_and_sidecar_as_children()
    {
        var builder = CreateBuilder();
        var datacenter = builder.AddMeshDatacenter<Projects.Mesh_Server, Projects.Mesh_Sidecar>("dc1").WithServers(2);
        // Any project stands in for an application here: only its model is read.
        var api = builder.AddProject<Projects.Mesh_Sidecar>("api").WithMeshService(datacenter);
        var web = builder.AddProject<Projects.Mesh_Sidecar>("web").WithMeshService(datacenter).WithUpstream(api, localBindPort: 6000);

        var agent = Assert.IsType<ProjectResource>(Assert.Single(builder.Resources, r => r.Name == "web-agent"));
        var sidecar = Assert.IsType<ProjectResource>(Assert.Single(builder.Resources, r => r.Name == "web-sidecar"));
        ModelAssert.ChildOf(web.Resource, agent);
        ModelAssert.ChildOf(web.Resource, sidecar);
        Assert.Equal(["admin", "public"], ModelAssert.EndpointNames(sidecar).Order());

        var agentArgs = await ModelAssert.ArgsAsync(agent);
        Assert.DoesNotContain("-server", agentArgs);
        Assert.Equal(datacenter.Resource.Servers.Select(s => s.Ports.SerfAddress).Order(), ModelAssert.Values(agentArgs, "retry-join").Order());
        var sidecarArgs = await ModelAssert.ArgsAsync(sidecar);
        Assert.Equal("web", sidecarArgs[1]);
        Assert.Equal("-sidecar-for", sidecarArgs[0]);
    }

    [Fact]
    public void An_upstream_needs_the_service_on_the_mesh_first()
    {
        var builder = CreateBuilder();
        var datacenter = builder.AddMeshDatacenter<Projects.Mesh_Server, Projects.Mesh_Sidecar>("dc1").WithServers(1);
        var api = builder.AddProject<Projects.Mesh_Sidecar>("api").WithMeshService(datacenter);
        var web = builder.AddProject<Projects.Mesh_Sidecar>("web");

        var error = Assert.Throws<InvalidOperationException>(() => web.WithUpstream(api, localBindPort: 6000));
        Assert.Contains("call WithMeshService first", error.Message);
    }

    // The project metadata (Projects.Mesh_Server, ...) is generated into the app host's assembly.
    private static IDistributedApplicationBuilder CreateBuilder() => DistributedApplication.CreateBuilder(new DistributedApplicationOptions
    {
        AssemblyName = typeof(Projects.Mesh_Server).Assembly.GetName().Name,
        DisableDashboard = true,
    });
}
