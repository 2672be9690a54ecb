using System.Text.Json.Nodes;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Config;

namespace Mesh.Server.Cli.Commands.Services;

/// <summary>
/// <c>mesh services register</c>: registers one service from flags, or every service in the given
/// definition files (flags then fill what a file leaves unset, as Consul's CombineArgs does).
/// </summary>
internal static class ServicesRegisterCommand
{
    private const string Help = """
        Usage: mesh services register [options] [FILE...]

          Register one or more services using the local agent API. Services can
          be registered from standard configuration files (HCL or JSON) or
          using flags. The service is registered and the command returns. The caller
          must remember to call "mesh services deregister" or a similar API to
          deregister the service when complete.

              $ mesh services register web.json

          Additional flags and more advanced use cases are detailed below.
        """;

    public static CliCommand Create(CliContext context)
    {
        var id = GoFlag.String("id", "ID of the service to register for arg-based registration. If this isn't set, it will default to the -name value.");
        var name = GoFlag.String("name", "Name of the service to register for arg-based registration.");
        var address = GoFlag.String("address", "Address of the service to register for arg-based registration.");
        var port = GoFlag.Int("port", "Port of the service to register for arg-based registration.");
        var meta = GoFlag.Map("meta",
            "Metadata to set on the service, formatted as key=value. This flag may be specified multiple times to set multiple meta fields.");
        var tag = GoFlag.List("tag", "Tag to add to the service. This flag can be specified multiple times to set multiple tags.");
        var taggedAddress = GoFlag.Map("tagged-address",
            "Tagged address to set on the service, formatted as key=value. This flag may be specified multiple times to set multiple addresses.");
        var kind = GoFlag.String("kind", "The service's 'kind'.");

        var command = new CliCommand("register", "Register services with the local agent", Help) { id, name, address, port, meta, tag, taggedAddress, kind };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.Any, async (result, files, api) =>
        {
            var flags = new JsonObject();
            SetIfPresent(flags, "Kind", result.GetValue(kind));
            SetIfPresent(flags, "ID", result.GetValue(id));
            SetIfPresent(flags, "Name", result.GetValue(name));
            SetIfPresent(flags, "Address", result.GetValue(address));
            if (result.GetValue(port) is { } portNumber and not 0)
            {
                flags["Port"] = portNumber;
            }
            if (result.GetValue(tag) is { Length: > 0 } tags)
            {
                flags["Tags"] = new JsonArray(tags.Select(t => JsonValue.Create(t)).ToArray<JsonNode?>());
            }
            if (result.GetValue(meta) is { Count: > 0 } metaPairs)
            {
                flags["Meta"] = new JsonObject(metaPairs.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
            }
            if (result.GetValue(taggedAddress) is { Count: > 0 } addresses)
            {
                var tagged = new JsonObject();
                foreach (var (key, value) in addresses)
                {
                    if (!TryParseServiceAddress(value, out var host, out var hostPort))
                    {
                        return context.Fail($"Invalid Tagged Address: address {value}: missing port in address");
                    }
                    tagged[key] = new JsonObject { ["Address"] = host, ["Port"] = hostPort };
                }
                flags["TaggedAddresses"] = tagged;
            }

            var flagName = result.GetValue(name) ?? "";
            if (files.Length == 0 && flagName.Length == 0)
            {
                return context.Fail("Service registration requires at least one argument or flags.");
            }
            if (files.Length > 0 && flagName.Length > 0)
            {
                return context.Fail("Service registration requires arguments or -id, not both.");
            }

            List<(string Name, JsonObject Body)> services;
            if (files.Length > 0)
            {
                try
                {
                    services = ServiceFile.Read(files).Select(s => (s.Definition.Name ?? "", Combine(s.Body, flags))).ToList();
                }
                catch (ConfigException ex)
                {
                    return context.Fail($"Error: {ex.Message}");
                }
            }
            else
            {
                services = [(flagName, flags)];
            }

            return await ServiceCalls.EachAsync(api, context, services, service => service.Name, "registering", "Registered",
                (client, service, cancellationToken) => client.AgentServiceRegisterAsync(service.Body, cancellationToken));
        });
        return command;
    }

    /// <summary>
    /// Consul's CombineArgs: a flag's ID, name, address, port or kind fills the file's when the file
    /// has none; meta and tagged addresses from flags are merged in, tags appended.
    /// </summary>
    private static JsonObject Combine(JsonObject file, JsonObject flags)
    {
        foreach (var key in new[] { "ID", "Name", "Address", "Port", "Kind" })
        {
            if (flags[key] is { } value && FindKey(file, key) is null)
            {
                file[key] = value.DeepClone();
            }
        }
        foreach (var key in new[] { "Meta", "TaggedAddresses" })
        {
            if (flags[key] is JsonObject fromFlags)
            {
                var existing = FindKey(file, key);
                var target = existing is null ? null : file[existing] as JsonObject;
                if (target is null)
                {
                    file[existing ?? key] = target = [];
                }
                foreach (var (name, value) in fromFlags)
                {
                    target[name] = value?.DeepClone();
                }
            }
        }
        if (flags["Tags"] is JsonArray flagTags)
        {
            var existing = FindKey(file, "Tags");
            var target = existing is null ? null : file[existing] as JsonArray;
            if (target is null)
            {
                file[existing ?? "Tags"] = target = [];
            }
            foreach (var flagTag in flagTags)
            {
                target.Add(flagTag?.DeepClone());
            }
        }
        return file;
    }

    /// <summary>The file's spelling of a key (any case, underscores ignored), as the agent matches keys.</summary>
    private static string? FindKey(JsonObject json, string key) =>
        json.Select(p => p.Key).FirstOrDefault(k => ConfigKeys.Normalize(k) == ConfigKeys.Normalize(key));

    private static void SetIfPresent(JsonObject json, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json[key] = value;
        }
    }

    /// <summary>"host:port" (IPv6 in brackets), as Go's net.SplitHostPort reads it.</summary>
    private static bool TryParseServiceAddress(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), out port))
        {
            return false;
        }
        host = text[..colon].Trim('[', ']');
        return true;
    }
}
