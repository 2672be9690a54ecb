using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Mesh.Server.Consensus.Transport;

/// <summary>
/// JSON for Raft messages on the wire: polymorphic by a "$type" discriminator, configurations in their own
/// binary encoding (base64) so the wire and the log agree on one shape.
/// </summary>
internal static class RaftJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new ConfigurationConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { AddMessageTypes } },
    };

    private static void AddMessageTypes(JsonTypeInfo info)
    {
        if (info.Type != typeof(RaftMessage))
        {
            return;
        }
        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            DerivedTypes =
            {
                new(typeof(VoteRequest), "vote"),
                new(typeof(VoteResponse), "vote-response"),
                new(typeof(AppendRequest), "append"),
                new(typeof(AppendResponse), "append-response"),
                new(typeof(HeartbeatRequest), "heartbeat"),
                new(typeof(HeartbeatResponse), "heartbeat-response"),
                new(typeof(SnapshotRequest), "snapshot"),
                new(typeof(SnapshotResponse), "snapshot-response"),
                new(typeof(TimeoutNowRequest), "timeout-now"),
            },
        };
    }

    private sealed class ConfigurationConverter : JsonConverter<ClusterConfiguration>
    {
        public override ClusterConfiguration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ClusterConfiguration.Decode(reader.GetBytesFromBase64());

        public override void Write(Utf8JsonWriter writer, ClusterConfiguration value, JsonSerializerOptions options) =>
            writer.WriteBase64StringValue(value.Encode());
    }
}
