using System.Buffers;
using System.Text.Json;
using Mesh.Server.State;

namespace Mesh.Server.Http.Json;

/// <summary>
/// structs.DirEntry lists written straight into the response (the KV read is the hot path):
/// <c>[{"LockIndex":0,"Key":"k","Flags":0,"Value":"dg==","CreateIndex":5,"ModifyIndex":5}]</c>,
/// Value in base64 or null, Session only when held.
/// </summary>
internal static class KvJson
{
    private static readonly JsonEncodedText LockIndex = JsonEncodedText.Encode("LockIndex");
    private static readonly JsonEncodedText Key = JsonEncodedText.Encode("Key");
    private static readonly JsonEncodedText Flags = JsonEncodedText.Encode("Flags");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("Value");
    private static readonly JsonEncodedText Session = JsonEncodedText.Encode("Session");
    private static readonly JsonEncodedText CreateIndex = JsonEncodedText.Encode("CreateIndex");
    private static readonly JsonEncodedText ModifyIndex = JsonEncodedText.Encode("ModifyIndex");

    public static void WriteEntries(IBufferWriter<byte> output, IReadOnlyList<KvEntry> entries, bool pretty)
    {
        using (var writer = new Utf8JsonWriter(output, ConsulJson.WriterOptions(pretty)))
        {
            writer.WriteStartArray();
            foreach (var entry in entries)
            {
                WriteEntry(writer, entry);
            }
            writer.WriteEndArray();
        }
        if (pretty)
        {
            output.Write("\n"u8);
        }
    }

    /// <summary>One structs.DirEntry object.</summary>
    public static void WriteEntry(Utf8JsonWriter writer, KvEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteNumber(LockIndex, entry.LockIndex);
        writer.WriteString(Key, entry.Key);
        writer.WriteNumber(Flags, entry.Flags);
        if (entry.Value is { } value)
        {
            writer.WriteBase64String(Value, value);
        }
        else
        {
            writer.WriteNull(Value);
        }
        if (!string.IsNullOrEmpty(entry.Session))
        {
            writer.WriteString(Session, entry.Session);
        }
        writer.WriteNumber(CreateIndex, entry.CreateIndex);
        writer.WriteNumber(ModifyIndex, entry.ModifyIndex);
        writer.WriteEndObject();
    }
}
