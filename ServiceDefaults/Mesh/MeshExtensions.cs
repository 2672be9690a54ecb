using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.Hosting.Mesh;

/// <summary>How an app uses the mesh through its local agent: discovery of services and configuration from the KV.</summary>
public static class MeshExtensions
{
    /// <summary>
    /// Resolves <c>http://&lt;service&gt;</c> through the mesh before configuration and pass-through do: to the app's
    /// sidecar upstream listener, or to the service's passing instances. A no-op without a mesh agent address.
    /// </summary>
    public static IServiceCollection AddMeshServiceDiscovery(this IServiceCollection services)
    {
        // Providers are asked in registration order; the mesh answers first.
        services.Insert(0, ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, MeshServiceEndpointProviderFactory>());
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Adds the mesh KV under <paramref name="prefix"/> to the app's configuration (<c>prefix/A/B</c> is <c>A:B</c>),
    /// reloading when it changes. A no-op without a mesh agent address.
    /// </summary>
    public static TBuilder AddMeshConfiguration<TBuilder>(this TBuilder builder, string prefix) where TBuilder : IHostApplicationBuilder
    {
        if (MeshAgent.AddressFrom(builder.Configuration) is { } agent)
        {
            builder.Configuration.Add(new MeshKeyValueConfigurationSource(agent, prefix, TimeProvider.System));
        }
        return builder;
    }
}
