using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Server.Config;

namespace Mesh.Server.Http.Json;

/// <summary>A duration as Consul's JSON carries it: a Go duration string ("10s") or a number of nanoseconds.</summary>
internal sealed class GoDurationJsonConverter : JsonConverter<TimeSpan?>
{
    public override bool HandleNull => true;

    public override TimeSpan? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => GoDuration.FromNanoseconds(reader.GetInt64()),
        JsonTokenType.String => GoDuration.TryParse(reader.GetString()!, out var value, out var error) ? value : throw new JsonException(error),
        _ => throw new JsonException($"expected a duration (\"10s\") or a number of nanoseconds, found {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, TimeSpan? value, JsonSerializerOptions options)
    {
        if (value is { } duration)
        {
            writer.WriteStringValue(GoDuration.Format(duration));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
