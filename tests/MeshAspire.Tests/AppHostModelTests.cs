using Microsoft.Extensions.DependencyInjection;

namespace MeshAspire.Tests;

/// <summary>The app host's model as `dotnet run` would start it, built but not started: no process is launched.</summary>
public sealed class AppHostModelTests
{
    [Fact]
    public async Task The_app_host_declares_every_resource_and_the_datacenter_parents_its_servers()
    {
        var builder = await AppHostModel.CreateAsync();
        await using var app = await builder.BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        // Aspire adds its dashboard and, for each project, a hidden `<name>-rebuilder`.
        var declared = model.Resources.Select(r => r.Name).Where(n => n != "aspire-dashboard" && !n.EndsWith("-rebuilder", StringComparison.Ordinal));
        Assert.Equal(AppHostModel.Resources().Order(), declared.Order());
        var datacenter = Assert.Single(model.Resources.OfType<MeshDatacenterResource>());
        Assert.Equal(AppHostModel.ServerCount, datacenter.Servers.Count);
        foreach (var server in datacenter.Servers)
        {
            ModelAssert.ChildOf(datacenter, server.Resource);
            var args = await ModelAssert.ArgsAsync(server.Resource);
            Assert.Equal(AppHostModel.ServerCount.ToString(System.Globalization.CultureInfo.InvariantCulture), ModelAssert.Value(args, "bootstrap-expect"));
        }
#if (!NoSamples)
        Assert.Equal([new MeshIntention("dashboard", "counting", Allow: true)], datacenter.Intentions);
        foreach (var service in new[] { "counting", "dashboard" })
        {
            var resource = model.Resources.Single(r => r.Name == service);
            ModelAssert.ChildOf(resource, model.Resources.Single(r => r.Name == $"{service}-agent"));
            ModelAssert.ChildOf(resource, model.Resources.Single(r => r.Name == $"{service}-sidecar"));
        }
#endif
    }
}
