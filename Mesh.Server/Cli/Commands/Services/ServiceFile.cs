using System.Text.Json.Nodes;
using Mesh.Server.Config;

namespace Mesh.Server.Cli.Commands.Services;

/// <summary>A service read from a definition file: the bound definition and the JSON body to register it with.</summary>
internal sealed record ServiceFileEntry(ServiceDefinition Definition, JsonObject Body);

/// <summary>
/// Reads the services of agent config files (HCL or JSON, as the agent reads them): every
/// <c>service</c> block and <c>services</c> list. Each is validated by the config binder, so a bad
/// file fails with file:line:column before anything is sent.
/// </summary>
internal static class ServiceFile
{
    /// <exception cref="ConfigException">A file is unreadable, malformed or holds an invalid service.</exception>
    public static List<ServiceFileEntry> Read(IEnumerable<string> paths)
    {
        var services = new List<ServiceFileEntry>();
        foreach (var path in paths)
        {
            foreach (var entry in ConfigFileReader.Read(path).Entries)
            {
                var key = ConfigKeys.Normalize(entry.Key);
                if (key is not ("service" or "services"))
                {
                    continue;
                }
                var nodes = entry.Value is ConfigList list ? list.Items : [entry.Value];
                foreach (var node in nodes)
                {
                    var definition = ConfigBinder.BindService(node, BindOptions.ConfigFile);
                    services.Add(new ServiceFileEntry(definition, ConfigJson.ToJsonObject((ConfigObject)node)));
                }
            }
        }
        return services;
    }
}
