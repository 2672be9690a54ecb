using System.Text.Json;

namespace Mesh.Server.Gossip;

/// <summary>
/// Consul's keyring file (<c>{data_dir}/serf/local.keyring</c>): a JSON array of base64 keys, the primary first.
/// Keyring changes are saved there, so an agent restarted after a rotation still speaks the pool's keys.
/// </summary>
public static class GossipKeyringFile
{
    // Base64's '+' and '/' as they are, like Consul's file.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file's place under an agent's data directory.</summary>
    public static string PathIn(string dataDir) => Path.Combine(dataDir, "serf", "local.keyring");

    /// <summary>
    /// The keyring an agent starts with: the file's when it exists (with <paramref name="encrypt"/> installed as
    /// another key if it is missing), else <paramref name="encrypt"/>'s, saved to the file; null without either.
    /// Throws <see cref="GossipException"/> when the file cannot be read or holds no valid key.
    /// </summary>
    public static GossipKeyring? Open(string path, string? encrypt)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            if (string.IsNullOrEmpty(encrypt))
            {
                return null;
            }
            var created = new GossipKeyring(encrypt);
            SaveAtStart(path, created);
            return created;
        }
        var keys = Read(path);
        var keyring = new GossipKeyring(keys[0], keys.Skip(1));
        if (!string.IsNullOrEmpty(encrypt) && !keyring.List().Contains(Convert.ToBase64String(GossipKeyring.ParseKey(encrypt))))
        {
            keyring.Install(encrypt);
            SaveAtStart(path, keyring);
        }
        return keyring;
    }

    /// <summary>Replaces the file with <paramref name="keys"/> (written aside, then renamed, so it is never half-written).</summary>
    public static void Save(string path, IReadOnlyList<string> keys)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(keys, Json));
        File.Move(temporary, path, overwrite: true);
    }

    private static void SaveAtStart(string path, GossipKeyring keyring)
    {
        try
        {
            Save(path, keyring.List());
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new GossipException($"gossip: cannot write the keyring file {path}: {exception.Message}", exception);
        }
    }

    private static List<string> Read(string path)
    {
        List<string>? keys;
        try
        {
            keys = JsonSerializer.Deserialize<List<string>>(File.ReadAllBytes(path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new GossipException($"gossip: cannot read the keyring file {path}: {exception.Message}", exception);
        }
        if (keys is null || keys.Count == 0)
        {
            throw new GossipException($"gossip: no keys present in keyring file {path}");
        }
        foreach (var key in keys)
        {
            if (GossipKeyring.TryParseKey(key, out _) is { } error)
            {
                throw new GossipException($"gossip: invalid key in keyring file {path}: {error}");
            }
        }
        return keys;
    }
}
