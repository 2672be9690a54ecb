using System.Collections;
using System.Globalization;
using System.Reflection;

namespace Mesh.Server.Config;

public static partial class ConfigBinder
{
    /// <param name="existing">The property's current value: lists append to it, maps and records merge into it.</param>
    /// <param name="key">The key as written, for messages.</param>
    /// <param name="via">The property being bound (null at the root).</param>
    private static object? BindValue(Type type, ConfigNode node, object? existing, string key, PropertyInfo? via, BindOptions options)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return BindValue(underlying, node, existing, key, via, options);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Located<>))
        {
            var value = BindValue(type.GetGenericArguments()[0], node, null, key, via, options);
            return Activator.CreateInstance(type, value, node.Position);
        }

        if (type == typeof(string))
        {
            return Scalar(node, ScalarKind.String, "a string", key);
        }

        if (type == typeof(bool))
        {
            return Scalar(node, ScalarKind.Bool, "true or false", key) == "true";
        }

        if (type == typeof(int))
        {
            var value = Integer(node, key);
            if (via is not null && ConfigKeys.Ports.Contains(via) && value is < 0 or > 65535)
            {
                throw new ConfigException(node.Position, $"\"{key}\" must be a port number (0-65535), got {value}");
            }

            return value;
        }

        if (type == typeof(TimeSpan))
        {
            return Duration(node, key);
        }

        if (type == typeof(object))
        {
            return Plain(node);
        }

        if (IsList(type))
        {
            return BindList(type, node, (IList?)existing, key, via, options);
        }

        if (IsMap(type))
        {
            return BindMap(type, node, (IDictionary?)existing, key, via, options);
        }

        if (IsRecord(type))
        {
            var obj = node as ConfigObject ?? throw Mismatch(node, "an object", key);
            var record = existing ?? Activator.CreateInstance(type)!;
            BindRecord(record, obj, options);
            Validate(record, node, via);
            return record;
        }

        throw new InvalidOperationException($"config binding does not support {type}");
    }

    private static IList BindList(Type type, ConfigNode node, IList? existing, string key, PropertyInfo? via, BindOptions options)
    {
        var itemType = type.GetGenericArguments()[0];
        var list = existing ?? (IList)Activator.CreateInstance(type)!;
        switch (node)
        {
            case ConfigList items:
                for (var i = 0; i < items.Items.Count; i++)
                {
                    list.Add(BindValue(itemType, items.Items[i], null, $"{key}[{i}]", via, options));
                }

                return list;
            case ConfigObject when IsRecord(itemType):
                // HCL1: a block where a list is expected is one item (upstreams { ... }).
                list.Add(BindValue(itemType, node, null, key, via, options));
                return list;
            default:
                throw Mismatch(node, "a list", key);
        }
    }

    private static IDictionary BindMap(Type type, ConfigNode node, IDictionary? existing, string key, PropertyInfo? via, BindOptions options)
    {
        var valueType = type.GetGenericArguments()[1];
        var map = existing ?? (IDictionary)Activator.CreateInstance(type)!;
        var obj = node as ConfigObject ?? throw Mismatch(node, "an object (a map)", key);
        foreach (var entry in obj.Entries)
        {
            map[entry.Key] = entry.Value is ConfigScalar { Kind: ScalarKind.Null } && valueType == typeof(object)
                ? null
                : BindValue(valueType, entry.Value, null, $"{key}.{entry.Key}", via, options);
        }

        return map;
    }

    private static string Scalar(ConfigNode node, ScalarKind kind, string expected, string key) =>
        node is ConfigScalar scalar && scalar.Kind == kind ? scalar.Text : throw Mismatch(node, expected, key);

    private static int Integer(ConfigNode node, string key)
    {
        var text = Scalar(node, ScalarKind.Number, "an integer", key);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ConfigException(node.Position, $"\"{key}\" must be an integer, got {text}");
    }

    private static TimeSpan Duration(ConfigNode node, string key) => node switch
    {
        ConfigScalar { Kind: ScalarKind.String } s => GoDuration.TryParse(s.Text, out var value, out var error)
            ? value
            : throw new ConfigException(node.Position, $"\"{key}\": {error}"),
        ConfigScalar { Kind: ScalarKind.Number } n
            when long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var nanoseconds)
            => GoDuration.FromNanoseconds(nanoseconds),
        _ => throw Mismatch(node, "a duration (\"10s\", \"1m30s\" or integer nanoseconds)", key),
    };

    /// <summary>Free-form values (proxy and upstream <c>config</c>) as plain .NET objects.</summary>
    private static object? Plain(ConfigNode node) => node switch
    {
        ConfigObject obj => obj.Entries.Aggregate(new Dictionary<string, object?>(), (map, e) =>
        {
            map[e.Key] = Plain(e.Value);
            return map;
        }),
        ConfigList list => list.Items.Select(Plain).ToList(),
        ConfigScalar { Kind: ScalarKind.String } s => s.Text,
        ConfigScalar { Kind: ScalarKind.Bool } b => b.Text == "true",
        ConfigScalar { Kind: ScalarKind.Number } n =>
            long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? (object)l
                : double.Parse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => null,
    };
}
