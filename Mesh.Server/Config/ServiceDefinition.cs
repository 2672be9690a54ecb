namespace Mesh.Server.Config;

/// <summary>
/// A service as Consul's config files (<c>service { ... }</c>) and <c>/v1/agent/service/register</c> describe it.
/// </summary>
public sealed record ServiceDefinition
{
    public string? ID { get; init; }
    public string? Name { get; init; }
    /// <summary>"" for a typical service, "connect-proxy" for a sidecar.</summary>
    public string? Kind { get; init; }
    public List<string>? Tags { get; init; }
    public string? Address { get; init; }
    public Dictionary<string, ServiceAddress>? TaggedAddresses { get; init; }
    public Dictionary<string, string>? Meta { get; init; }
    public int Port { get; init; }
    public bool EnableTagOverride { get; init; }
    public ServiceWeights? Weights { get; init; }

    public CheckDefinition? Check { get; init; }
    public List<CheckDefinition>? Checks { get; init; }

    public ProxyDefinition? Proxy { get; init; }
    public ConnectDefinition? Connect { get; init; }
}

public sealed record ServiceAddress
{
    public string? Address { get; init; }
    public int Port { get; init; }
}

public sealed record ServiceWeights
{
    public int Passing { get; init; } = 1;
    public int Warning { get; init; } = 1;
}

public sealed record ConnectDefinition
{
    public bool Native { get; init; }
    public ServiceDefinition? SidecarService { get; init; }
}

public sealed record ProxyDefinition
{
    public string? DestinationServiceName { get; init; }
    public string? DestinationServiceID { get; init; }
    public string? LocalServiceAddress { get; init; }
    public int LocalServicePort { get; init; }
    public string? Mode { get; init; }
    public Dictionary<string, object?>? Config { get; init; }
    public List<UpstreamDefinition>? Upstreams { get; init; }
}

public sealed record UpstreamDefinition
{
    /// <summary>"service" (default) or "prepared_query".</summary>
    public string? DestinationType { get; init; }
    public string? DestinationNamespace { get; init; }
    public string? DestinationName { get; init; }
    public string? Datacenter { get; init; }
    public string? LocalBindAddress { get; init; }
    public int LocalBindPort { get; init; }
    public Dictionary<string, object?>? Config { get; init; }
}
