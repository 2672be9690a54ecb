using System.Globalization;

namespace Mesh.Server.Tests.Linearizability;

/// <summary>Readable text for values and operations in explanations.</summary>
internal static class OperationFormat
{
    public static string Value(string? value) => value is null ? "absent" : $"\"{value}\"";

    /// <summary>Like <c>#7 client 1: Read -> "a"  [4.000 ms, 12.000 ms]</c>, times relative to <paramref name="origin"/>.</summary>
    public static string Operation(OperationRecord record, long origin, long frequency)
    {
        var result = record.Result?.ToString() ?? "unknown";
        var returned = record.Result is null ? "no reply" : Time(record.ReturnTimestamp!.Value, origin, frequency);
        var invoked = Time(record.InvokeTimestamp, origin, frequency);
        return $"#{record.Id} client {record.ClientId}: {record.Operation} -> {result}  [{invoked}, {returned}]";
    }

    public static string Count(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    public static string Time(long timestamp, long origin, long frequency) =>
        string.Create(CultureInfo.InvariantCulture, $"{(timestamp - origin) * 1000.0 / frequency:F3} ms");
}
