using System.Text;
using Mesh.Server.Gossip;

namespace Mesh.Server.Agent.Events;

/// <summary>
/// A user event as the gossip payload carries it (Consul's msgpack of structs.UserEvent, here the compact gossip
/// encoding): everything but the Lamport time, which gossip adds.
/// </summary>
internal static class UserEventCodec
{
    public static byte[] Encode(UserEvent userEvent)
    {
        var writer = new WireWriter();
        writer.Byte((byte)userEvent.Version);
        writer.String(userEvent.ID);
        Text(writer, userEvent.Name);
        writer.Blob(userEvent.Payload ?? []);
        Text(writer, userEvent.NodeFilter);
        Text(writer, userEvent.ServiceFilter);
        Text(writer, userEvent.TagFilter);
        return writer.ToArray();
    }

    /// <summary>The event in <paramref name="payload"/>, or null when it is not one.</summary>
    public static UserEvent? Decode(ReadOnlySpan<byte> payload, ulong lTime)
    {
        var reader = new WireReader(payload);
        if (!reader.Byte(out var version) || !reader.String(out var id) || !Text(ref reader, out var name) ||
            !reader.Blob(out var body) || !Text(ref reader, out var node) || !Text(ref reader, out var service) ||
            !Text(ref reader, out var tag) || !reader.AtEnd)
        {
            return null;
        }
        return new UserEvent
        {
            ID = id,
            Name = name,
            Payload = body.Length == 0 ? null : body,
            NodeFilter = node,
            ServiceFilter = service,
            TagFilter = tag,
            Version = version,
            LTime = lTime,
        };
    }

    // Two length bytes rather than the one of gossip names: a filter may be long, the size limit decides.
    private static void Text(WireWriter writer, string value) => writer.Blob(Encoding.UTF8.GetBytes(value));

    private static bool Text(ref WireReader reader, out string value)
    {
        value = "";
        if (!reader.Blob(out var bytes) || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }
        value = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
