using System.Net;

namespace Mesh.Server.Config;

/// <summary>
/// Loads the agent's configuration as Consul does: every -config-dir's .hcl/.json files in lexical
/// order, then each -config-file, merged in turn (later scalars win, lists append, maps merge), then
/// the flags on top, then each -hcl fragment merged like a file, then defaults and validation.
/// </summary>
public static class AgentConfigLoader
{
    /// <exception cref="ConfigException">A file is missing or malformed, or a value is invalid; the message is one line.</exception>
    public static AgentConfig Load(AgentFlags flags) => Load(flags, System.Net.Dns.GetHostName());

    internal static AgentConfig Load(AgentFlags flags, string hostName)
    {
        var warnings = new List<string>();
        var file = new AgentConfigFile();
        foreach (var path in Sources(flags, warnings))
        {
            ConfigBinder.BindInto(file, ConfigFileReader.Read(path), BindOptions.ConfigFile);
        }

        AgentFlagsOverlay.Apply(flags, file);
        for (var i = 0; i < flags.Hcl.Count; i++)
        {
            ConfigBinder.BindInto(file, HclParser.Parse(flags.Hcl[i], HclSourceName(i, flags.Hcl.Count)), BindOptions.ConfigFile);
        }

        return AgentConfigResolver.Resolve(file, flags.Dev, hostName, NodeIdStore.LoadOrCreate, warnings);
    }

    /// <summary>What errors in an -hcl fragment name it: "-hcl", or "-hcl#2" for the second of several.</summary>
    private static string HclSourceName(int index, int count) => count == 1 ? "-hcl" : $"-hcl#{index + 1}";

    private static List<string> Sources(AgentFlags flags, List<string> warnings)
    {
        var sources = new List<string>();
        foreach (var dir in flags.ConfigDirs)
        {
            if (!Directory.Exists(dir))
            {
                throw new ConfigException(null, File.Exists(dir)
                    ? $"-config-dir {dir} is a file, not a directory (use -config-file)"
                    : $"-config-dir {dir} does not exist");
            }

            // Lexical (ordinal) order by name, not recursing into subdirectories, as Consul reads a dir.
            foreach (var path in Directory.GetFileSystemEntries(dir).Order(StringComparer.Ordinal))
            {
                if (Directory.Exists(path))
                {
                    continue;
                }

                if (ConfigFileReader.IsConfigFile(path))
                {
                    sources.Add(path);
                }
                else
                {
                    warnings.Add($"skipping file {path}, extension must be .hcl or .json");
                }
            }
        }

        foreach (var path in flags.ConfigFiles)
        {
            if (!File.Exists(path))
            {
                throw new ConfigException(null, Directory.Exists(path)
                    ? $"-config-file {path} is a directory (use -config-dir)"
                    : $"-config-file {path} does not exist");
            }

            if (ConfigFileReader.IsConfigFile(path))
            {
                sources.Add(path);
            }
            else
            {
                warnings.Add($"skipping file {path}, extension must be .hcl or .json");
            }
        }

        return sources;
    }
}
