namespace Mesh.Server.Config;

/// <summary>
/// Keeps a non-dev agent's node ID in <c>{data_dir}/node-id</c> so it survives restarts, as Consul
/// does: the catalog and Raft know a node by this ID.
/// </summary>
internal static class NodeIdStore
{
    public const string FileName = "node-id";

    public static string LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        try
        {
            if (File.Exists(path))
            {
                var text = File.ReadAllText(path).Trim();
                return Guid.TryParse(text, out var stored)
                    ? stored.ToString("D")
                    : throw new ConfigException(null, $"{path} does not hold a UUID (\"{text}\"); delete it to get a new node ID");
            }

            Directory.CreateDirectory(dataDir);
            var id = Guid.NewGuid().ToString("D");
            File.WriteAllText(path, id);
            return id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(null, $"cannot keep the node ID in data_dir \"{dataDir}\": {e.Message}");
        }
    }
}
