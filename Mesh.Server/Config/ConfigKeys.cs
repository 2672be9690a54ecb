using System.Reflection;

namespace Mesh.Server.Config;

/// <summary>
/// Key spelling rules: a key matches a property case-insensitively with underscores ignored, so
/// <c>tls_skip_verify</c>, <c>TLSSkipVerify</c> and <c>tlsskipverify</c> are one key; plus the few
/// keys whose Consul name differs from the property's.
/// </summary>
internal static class ConfigKeys
{
    private static readonly Dictionary<(Type, string), string> _aliases = new()
    {
        [(typeof(AgentConfigFile), "service")] = nameof(AgentConfigFile.Services),
        [(typeof(AgentConfigFile), "check")] = nameof(AgentConfigFile.Checks),
        [(typeof(CheckDefinition), "scriptargs")] = nameof(CheckDefinition.Args),
    };

    /// <summary>Properties that hold a TCP port (0-65535).</summary>
    public static readonly IReadOnlySet<PropertyInfo> Ports = new HashSet<PropertyInfo>
    {
        typeof(ServiceDefinition).GetProperty(nameof(ServiceDefinition.Port))!,
        typeof(ServiceAddress).GetProperty(nameof(ServiceAddress.Port))!,
        typeof(ProxyDefinition).GetProperty(nameof(ProxyDefinition.LocalServicePort))!,
        typeof(UpstreamDefinition).GetProperty(nameof(UpstreamDefinition.LocalBindPort))!,
    };

    public static string Normalize(string key) => key.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>The settable properties of a config record by normalized key, aliases included.</summary>
    public static Dictionary<string, PropertyInfo> PropertiesOf(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .ToDictionary(p => Normalize(p.Name));
        foreach (var ((owner, alias), name) in _aliases)
        {
            if (owner == type)
            {
                properties[alias] = properties[Normalize(name)];
            }
        }

        return properties;
    }

    /// <summary>True for keys Consul has that we accept in config files but do not act on.</summary>
    public static bool IsIgnored(Type type, string normalizedKey) =>
        AgentConfigFile.IgnoredKeys.TryGetValue(type, out var keys) && keys.Contains(normalizedKey);
}
