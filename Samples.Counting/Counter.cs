using System.Text.Json.Serialization;

namespace Samples.Counting;

/// <summary>The process's running count; requests arrive concurrently.</summary>
internal sealed class Counter
{
    private long _count;

    public long Next() => Interlocked.Increment(ref _count);
}

/// <summary>The seed's answer shape: <c>{"count": N, "hostname": "..."}</c>.</summary>
internal sealed record Count(
    [property: JsonPropertyName("count")] long Value,
    [property: JsonPropertyName("hostname")] string Hostname);

[JsonSerializable(typeof(Count))]
internal sealed partial class CountingJson : JsonSerializerContext;
