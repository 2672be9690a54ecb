using System.Collections.Concurrent;
using System.Reflection;

namespace Mesh.Server.Config;

/// <summary>
/// Binds a parsed tree (<see cref="HclParser"/>, <see cref="JsonConfigReader"/>) to typed records:
/// config files, and the bodies of <c>/v1/agent/service/register</c> and <c>/v1/agent/check/register</c>.
/// Keys match properties case-insensitively with underscores ignored; durations take Go syntax or
/// integer nanoseconds; every error names the offending value's file:line:column.
/// </summary>
public static partial class ConfigBinder
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> _propertyCache = new();

    private static readonly PropertyInfo _sidecarServiceProperty =
        typeof(ConnectDefinition).GetProperty(nameof(ConnectDefinition.SidecarService))!;

    /// <summary>Binds and validates a service definition. Defaults to <see cref="BindOptions.ApiBody"/>.</summary>
    public static ServiceDefinition BindService(ConfigNode node, BindOptions? options = null) =>
        (ServiceDefinition)BindValue(typeof(ServiceDefinition), node, null, "service", null, options ?? BindOptions.ApiBody)!;

    /// <summary>Binds and validates a check definition. Defaults to <see cref="BindOptions.ApiBody"/>.</summary>
    public static CheckDefinition BindCheck(ConfigNode node, BindOptions? options = null) =>
        (CheckDefinition)BindValue(typeof(CheckDefinition), node, null, "check", null, options ?? BindOptions.ApiBody)!;

    /// <summary>
    /// Binds an object onto an existing record, Consul's merge rule for successive config files:
    /// scalars are replaced, lists append, maps and nested sections merge.
    /// </summary>
    internal static void BindInto(object target, ConfigObject node, BindOptions options) =>
        BindRecord(target, node, options);

    private static void BindRecord(object target, ConfigObject obj, BindOptions options)
    {
        var type = target.GetType();
        var properties = _propertyCache.GetOrAdd(type, ConfigKeys.PropertiesOf);
        var seen = new HashSet<PropertyInfo>();
        foreach (var entry in obj.Entries)
        {
            var key = ConfigKeys.Normalize(entry.Key);
            if (!properties.TryGetValue(key, out var property))
            {
                if (options.Strict && !ConfigKeys.IsIgnored(type, key))
                {
                    throw new ConfigException(entry.KeyPosition, $"unknown key \"{entry.Key}\"");
                }

                continue;
            }

            if (entry.Value is ConfigScalar { Kind: ScalarKind.Null })
            {
                continue;
            }

            if (!seen.Add(property) && !IsList(property.PropertyType))
            {
                // A repeated block with a plural twin accumulates there: service { check {} check {} }.
                if (properties.TryGetValue(ConfigKeys.Normalize(property.Name) + "s", out var twin)
                    && twin.PropertyType == typeof(List<>).MakeGenericType(property.PropertyType))
                {
                    property = twin;
                }
                else if (options.Strict && !IsRecord(property.PropertyType) && !IsMap(property.PropertyType))
                {
                    throw new ConfigException(entry.KeyPosition, $"duplicate key \"{entry.Key}\"");
                }
            }

            property.SetValue(target, BindValue(property.PropertyType, entry.Value, property.GetValue(target), entry.Key, property, options));
        }
    }

    /// <summary>Checks what only a whole record can show, where the record starts.</summary>
    private static void Validate(object record, ConfigNode node, PropertyInfo? via)
    {
        switch (record)
        {
            case CheckDefinition check:
                DefinitionValidator.ValidateCheck(check, node.Position);
                break;
            case UpstreamDefinition upstream:
                DefinitionValidator.ValidateUpstream(upstream, node.Position);
                break;
            case ServiceDefinition service when via != _sidecarServiceProperty:
                DefinitionValidator.ValidateService(service, node.Position);
                break;
        }
    }

    private static bool IsList(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>);

    private static bool IsMap(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>);

    private static bool IsRecord(Type type) =>
        type.IsClass && type.Namespace == typeof(ConfigBinder).Namespace && type.GetConstructor(Type.EmptyTypes) is not null;

    private static ConfigException Mismatch(ConfigNode node, string expected, string key) =>
        new(node.Position, $"\"{key}\" must be {expected}, got {node.Describe()}");
}
