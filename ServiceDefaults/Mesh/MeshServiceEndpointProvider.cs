using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.Hosting.Mesh;

/// <summary>Resolves service names through the local mesh agent, when the process knows one.</summary>
internal sealed class MeshServiceEndpointProviderFactory(IConfiguration configuration, TimeProvider time, ILoggerFactory loggers) : IServiceEndpointProviderFactory
{
    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        // Mesh service names are single labels; "api.example.com", "localhost" and IPs are someone else's to resolve.
        var meshName = !query.ServiceName.Contains('.', StringComparison.Ordinal) && query.ServiceName != "localhost" && !IPAddress.TryParse(query.ServiceName, out _);
        provider = meshName && MeshAgent.AddressFrom(configuration) is { } address
            ? new MeshServiceEndpointProvider(query.ServiceName, MeshAgent.Create(address), configuration["MESH_SERVICE_ID"], time, loggers.CreateLogger<MeshServiceEndpointProvider>())
            : null;
        return provider is not null;
    }
}

/// <summary>
/// <c>http://counting</c> for a mesh app (one whose sidecar has <c>counting</c> as an upstream) is its sidecar's local
/// listener for it; for any other app, the passing instances of <c>counting</c> in the catalog, kept current by a
/// blocking query. Names the mesh does not know are left to the next provider (configuration, pass-through).
/// </summary>
internal sealed class MeshServiceEndpointProvider(string service, MeshAgent agent, string? serviceId, TimeProvider time, ILogger logger) : IServiceEndpointProvider
{
    private readonly Lock _gate = new();
    private BlockingWatch? _watch;
    private List<EndPoint> _instances = [];
    private CancellationTokenSource _changed = new();

    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        if (serviceId is not null && await UpstreamAsync(cancellationToken).ConfigureAwait(false) is { } upstream)
        {
            endpoints.Endpoints.Add(ServiceEndpoint.Create(upstream));
            return;
        }
        if (_watch is null)
        {
            _watch = new BlockingWatch(agent, $"/v1/health/service/{Uri.EscapeDataString(service)}?passing", OnChange, time, logger);
            using var first = await _watch.StartAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _instances = Instances(first);
            }
        }
        lock (_gate)
        {
            _instances.ForEach(i => endpoints.Endpoints.Add(ServiceEndpoint.Create(i)));
            endpoints.AddChangeToken(new CancellationChangeToken(_changed.Token));
        }
    }

    /// <summary>The local listener this app's sidecar keeps for <see cref="service"/>, if it has one.</summary>
    private async Task<EndPoint?> UpstreamAsync(CancellationToken cancellationToken)
    {
        var (services, _) = await agent.GetAsync("/v1/agent/services", 0, cancellationToken).ConfigureAwait(false);
        using (services)
        {
            foreach (var registration in services?.RootElement.EnumerateObject().Select(p => p.Value) ?? [])
            {
                if (registration.TryGetProperty("Proxy", out var proxy) && proxy.ValueKind == JsonValueKind.Object
                    && proxy.TryGetProperty("DestinationServiceID", out var destination) && destination.GetString() == serviceId
                    && proxy.TryGetProperty("Upstreams", out var upstreams) && upstreams.ValueKind == JsonValueKind.Array)
                {
                    foreach (var upstream in upstreams.EnumerateArray())
                    {
                        if (upstream.GetProperty("DestinationName").GetString() == service)
                        {
                            var address = upstream.TryGetProperty("LocalBindAddress", out var bind) && bind.GetString() is { Length: > 0 } text ? text : "127.0.0.1";
                            return EndPointOf(address, upstream.GetProperty("LocalBindPort").GetInt32());
                        }
                    }
                }
            }
        }
        return null;
    }

    private void OnChange(JsonDocument? body)
    {
        CancellationTokenSource changed;
        using (body)
        {
            lock (_gate)
            {
                _instances = Instances(body);
                changed = _changed;
                _changed = new CancellationTokenSource();
            }
        }
        changed.Cancel();
        changed.Dispose();
    }

    private static List<EndPoint> Instances(JsonDocument? body) =>
        [.. (body?.RootElement.EnumerateArray() ?? []).Select(entry =>
        {
            var instance = entry.GetProperty("Service");
            var address = instance.GetProperty("Address").GetString() is { Length: > 0 } own ? own : entry.GetProperty("Node").GetProperty("Address").GetString()!;
            return EndPointOf(address, instance.GetProperty("Port").GetInt32());
        })];

    private static EndPoint EndPointOf(string address, int port) =>
        IPAddress.TryParse(address, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(address, port);

    public async ValueTask DisposeAsync()
    {
        if (_watch is not null)
        {
            await _watch.DisposeAsync().ConfigureAwait(false);
        }
        _changed.Dispose();
    }
}
