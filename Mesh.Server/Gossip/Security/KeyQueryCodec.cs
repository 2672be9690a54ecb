using System.Text;

namespace Mesh.Server.Gossip;

/// <summary>One member's answer to a keyring query (Serf's nodeKeyResponse); <paramref name="Keys"/> only for a list.</summary>
internal sealed record NodeKeyResponse(bool Result, string Message, IReadOnlyList<string> Keys, string PrimaryKey)
{
    public static NodeKeyResponse Success(IReadOnlyList<string>? keys = null, string primaryKey = "") => new(true, "", keys ?? [], primaryKey);

    public static NodeKeyResponse Failure(string message) => new(false, message, [], "");
}

/// <summary>
/// Payloads of the keyring queries: a request is the raw key; an answer is the result flag, a message, the
/// installed keys and the primary key. Decoding is strict, as for every gossip message.
/// </summary>
internal static class KeyQueryCodec
{
    public static bool TryDecodeRequest(ReadOnlySpan<byte> payload, out string key)
    {
        key = payload.Length is 16 or 24 or 32 ? Convert.ToBase64String(payload) : "";
        return key.Length > 0;
    }

    public static byte[] EncodeResponse(NodeKeyResponse response)
    {
        var writer = new WireWriter();
        writer.Bool(response.Result);
        writer.Blob(Encoding.UTF8.GetBytes(response.Message));
        writer.Byte(checked((byte)response.Keys.Count));
        foreach (var key in response.Keys)
        {
            writer.String(key);
        }
        writer.String(response.PrimaryKey);
        return writer.ToArray();
    }

    public static NodeKeyResponse? DecodeResponse(ReadOnlySpan<byte> payload)
    {
        var reader = new WireReader(payload);
        if (!reader.Bool(out var result) || !reader.Blob(out var message) || !System.Text.Unicode.Utf8.IsValid(message) || !reader.Byte(out var count))
        {
            return null;
        }
        var keys = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            if (!reader.String(out var key))
            {
                return null;
            }
            keys.Add(key);
        }
        return reader.String(out var primary, allowEmpty: true) && reader.AtEnd
            ? new NodeKeyResponse(result, Encoding.UTF8.GetString(message), keys, primary)
            : null;
    }
}
