namespace Mesh.Server.Config;

/// <summary>Reads one config file: <c>.json</c> is JSON; <c>.hcl</c> is HCL, or JSON when it starts with '{' (as HCL1 decides).</summary>
internal static class ConfigFileReader
{
    public static bool IsConfigFile(string path) =>
        path.EndsWith(".hcl", StringComparison.Ordinal) || path.EndsWith(".json", StringComparison.Ordinal);

    public static ConfigObject Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(null, $"cannot read config file {path}: {e.Message}");
        }

        if (!path.EndsWith(".json", StringComparison.Ordinal))
        {
            return HclParser.Parse(text, path);
        }

        var node = JsonConfigReader.Parse(text, path);
        return node as ConfigObject ?? throw new ConfigException(node.Position, $"a config file must hold a JSON object, not {node.Describe()}");
    }
}
