namespace Mesh.Server.Config;

/// <summary>
/// Consul's rules for service, check and upstream definitions, checked as they are bound so the
/// error points at the definition in its file or request body.
/// </summary>
internal static class DefinitionValidator
{
    private static readonly string[] _statuses = ["passing", "warning", "critical"];

    public static void ValidateService(ServiceDefinition service, SourcePosition at)
    {
        if (string.IsNullOrWhiteSpace(service.Name))
        {
            throw new ConfigException(at, "missing service name");
        }

        var label = $"service \"{service.Name}\"";
        switch (service.Kind)
        {
            case null or "":
                break;
            case "connect-proxy" when string.IsNullOrEmpty(service.Proxy?.DestinationServiceName):
                throw new ConfigException(at, $"{label}: a connect-proxy needs proxy.destination_service_name");
            case "connect-proxy" when service.Connect?.SidecarService is not null:
                throw new ConfigException(at, $"{label}: a connect-proxy cannot have a sidecar_service");
            case "connect-proxy":
                break;
            default:
                throw new ConfigException(at, $"{label}: kind must be \"\" or \"connect-proxy\", not \"{service.Kind}\"");
        }
    }

    public static void ValidateCheck(CheckDefinition check, SourcePosition at)
    {
        var name = check.EffectiveId ?? check.Name;
        var label = name is null ? "check" : $"check \"{name}\"";
        var types = new List<string>();
        if (check.Args is { Count: > 0 })
        {
            types.Add("args");
        }

        foreach (var (type, value) in new[] { ("http", check.HTTP), ("tcp", check.TCP), ("grpc", check.GRPC) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                types.Add(type);
            }
        }

        var intervalChecks = types.Count;
        var ttl = check.TTL > TimeSpan.Zero;
        if (ttl)
        {
            types.Add("ttl");
        }

        if (!string.IsNullOrEmpty(check.AliasService) || !string.IsNullOrEmpty(check.AliasNode))
        {
            types.Add("alias");
        }

        if (types.Count == 0)
        {
            throw new ConfigException(at, $"{label}: set one of args, http, tcp, grpc, ttl or alias_service/alias_node");
        }

        if (types.Count > 1)
        {
            throw new ConfigException(at, $"{label}: only one of args, http, tcp, grpc, ttl or alias_service/alias_node may be set, found {string.Join(" and ", types)}");
        }

        if (intervalChecks > 0 && !(check.Interval > TimeSpan.Zero))
        {
            throw new ConfigException(at, $"{label}: interval must be > 0 for {types[0]} checks");
        }

        if (ttl && check.Interval > TimeSpan.Zero)
        {
            throw new ConfigException(at, $"{label}: interval and ttl cannot both be set");
        }

        if (!string.IsNullOrEmpty(check.Status) && !_statuses.Contains(check.Status))
        {
            throw new ConfigException(at, $"{label}: status must be \"passing\", \"warning\" or \"critical\", not \"{check.Status}\"");
        }

        if (check.OutputMaxSize < 0)
        {
            throw new ConfigException(at, $"{label}: output_max_size must not be negative");
        }

        if (check.FailuresBeforeWarning > check.FailuresBeforeCritical)
        {
            throw new ConfigException(at, $"{label}: failures_before_warning can't be higher than failures_before_critical");
        }
    }

    public static void ValidateUpstream(UpstreamDefinition upstream, SourcePosition at)
    {
        if (string.IsNullOrEmpty(upstream.DestinationName))
        {
            throw new ConfigException(at, "upstream: missing destination_name");
        }

        if (upstream.DestinationType is not (null or "service" or "prepared_query"))
        {
            throw new ConfigException(at, $"upstream \"{upstream.DestinationName}\": destination_type must be \"service\" or \"prepared_query\", not \"{upstream.DestinationType}\"");
        }

        if (upstream.LocalBindPort == 0)
        {
            throw new ConfigException(at, $"upstream \"{upstream.DestinationName}\": local_bind_port must be set (1-65535)");
        }
    }
}
