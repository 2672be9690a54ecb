using System.Buffers;
using System.Text.Json;
using Mesh.Server.Config;
using Mesh.Server.State;
using Mesh.Server.State.Txn;

namespace Mesh.Server.Http.Json;

/// <summary>One element of PUT /v1/txn's array (api.TxnOp): exactly one of its members is set.</summary>
internal sealed record TxnOpBody(TxnKvBody? KV, TxnNodeBody? Node, TxnServiceBody? Service, TxnCheckBody? Check, TxnSessionBody? Session);

/// <summary>api.KVTxnOp; Value is base64 on the wire.</summary>
internal sealed record TxnKvBody(string? Verb, string? Key, byte[]? Value, ulong Flags, ulong Index, string? Session);

/// <summary>api.NodeTxnOp.</summary>
internal sealed record TxnNodeBody(string? Verb, TxnNodeFields? Node);

/// <summary>api.Node as a transaction carries it: Meta, not a register's NodeMeta, and the ModifyIndex a CAS compares.</summary>
internal sealed record TxnNodeFields(
    string? ID, string? Node, string? Address, string? Datacenter, Dictionary<string, string>? TaggedAddresses, Dictionary<string, string>? Meta, ulong ModifyIndex);

/// <summary>api.ServiceTxnOp: the service (api.AgentService) and the node it is on.</summary>
internal sealed record TxnServiceBody(string? Verb, string? Node, NodeServiceBody? Service);

/// <summary>api.CheckTxnOp.</summary>
internal sealed record TxnCheckBody(string? Verb, HealthCheckBody? Check);

/// <summary>api.SessionTxnOp.</summary>
internal sealed record TxnSessionBody(string? Verb, TxnSessionFields? Session);

internal sealed record TxnSessionFields(string? ID);

/// <summary>
/// structs.TxnResponse as Consul writes it: <c>{"Results":[{"KV":{...}}],"Errors":null}</c>, or Results null and
/// <c>Errors:[{"OpIndex":0,"What":"..."}]</c>. A read-only transaction's answer is a TxnReadResponse, which
/// also carries the query metadata fields (Consul embeds structs.QueryMeta).
/// </summary>
internal static class TxnJson
{
    public static void Write(IBufferWriter<byte> output, TxnOutcome outcome, QueryResult<TxnOutcome>? readMeta, string datacenter, bool pretty)
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
                    WriteResult(writer, result, datacenter);
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
                writer.WriteNumber("LastContact", GoDuration.ToNanoseconds(readMeta.LastContact));
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

    /// <summary>A result names its kind: KV (a KVPair), Node (structs.Node), Service (structs.NodeService) or Check (structs.HealthCheck).</summary>
    private static void WriteResult(Utf8JsonWriter writer, TxnResult result, string datacenter)
    {
        writer.WriteStartObject();
        if (result.KV is { } entry)
        {
            writer.WritePropertyName("KV");
            KvJson.WriteEntry(writer, entry);
        }
        else if (result.Node is { } node)
        {
            writer.WritePropertyName("Node");
            JsonSerializer.Serialize(writer, NodeJson.From(node, datacenter), ConsulJson.ReadInfo<NodeJson>());
        }
        else if (result.Service is { } service)
        {
            writer.WritePropertyName("Service");
            JsonSerializer.Serialize(writer, NodeServiceJson.From(service), ConsulJson.ReadInfo<NodeServiceJson>());
        }
        else if (result.Check is { } check)
        {
            writer.WritePropertyName("Check");
            JsonSerializer.Serialize(writer, HealthCheckJson.From(check), ConsulJson.ReadInfo<HealthCheckJson>());
        }
        writer.WriteEndObject();
    }
}
