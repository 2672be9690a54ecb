using System.Buffers;
using System.Text.Json;
using Mesh.Server.State;
using Mesh.Server.State.Txn;

namespace Mesh.Server.Http.Json;

/// <summary>One element of PUT /v1/txn's array (api.TxnOp): exactly one of its members is set.</summary>
internal sealed record TxnOpBody(TxnKvBody? KV, JsonElement? Node, JsonElement? Service, JsonElement? Check, JsonElement? Session);

/// <summary>api.KVTxnOp; Value is base64 on the wire.</summary>
internal sealed record TxnKvBody(string? Verb, string? Key, byte[]? Value, ulong Flags, ulong Index, string? Session);

/// <summary>
/// structs.TxnResponse as Consul writes it: <c>{"Results":[{"KV":{...}}],"Errors":null}</c>, or Results null and
/// <c>Errors:[{"OpIndex":0,"What":"..."}]</c>. A read-only transaction's answer is a TxnReadResponse, which
/// also carries the query metadata fields (Consul embeds structs.QueryMeta).
/// </summary>
internal static class TxnJson
{
    public static void Write(IBufferWriter<byte> output, TxnOutcome outcome, QueryResult<TxnOutcome>? readMeta, bool pretty)
    {
        using (var writer = new Utf8JsonWriter(output, ConsulJson.WriterOptions(pretty)))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("Results");
            if (outcome.Results is { } results)
            {
                writer.WriteStartArray();
                foreach (var result in results)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("KV");
                    KvJson.WriteEntry(writer, result.KV);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteNullValue();
            }
            writer.WritePropertyName("Errors");
            if (outcome.Errors is { } errors)
            {
                writer.WriteStartArray();
                foreach (var error in errors)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("OpIndex", error.OpIndex);
                    writer.WriteString("What", error.What);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteNullValue();
            }
            if (readMeta is not null)
            {
                // Txn.Read fills KnownLeader and LastContact (a Go duration: nanoseconds) and nothing else.
                writer.WriteNumber("Index", 0);
                writer.WriteNumber("LastContact", readMeta.LastContact.Ticks * 100);
                writer.WriteBoolean("KnownLeader", readMeta.KnownLeader);
                writer.WriteString("ConsistencyLevel", "");
                writer.WriteBoolean("NotModified", false);
                writer.WriteNumber("Backend", 0);
                writer.WriteBoolean("ResultsFilteredByACLs", false);
            }
            writer.WriteEndObject();
        }
        if (pretty)
        {
            output.Write("\n"u8);
        }
    }
}
