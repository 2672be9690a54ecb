using Google.Protobuf;

namespace Mesh.Bench;

/// <summary>One counter's value at one instant, split by one attribute (e.g. bytes sent by transport).</summary>
internal sealed record CounterPoint(long TimeUnixNano, IReadOnlyDictionary<string, long> Values)
{
    public long Total => Values.Values.Sum();
}

/// <summary>
/// Reads a monotonic counter out of an OTLP/HTTP protobuf <c>ExportMetricsServiceRequest</c>, walking only the fields
/// it needs (opentelemetry/proto/metrics/v1/metrics.proto) and skipping the rest.
/// </summary>
internal static class OtlpCounters
{
    // ExportMetricsServiceRequest.resource_metrics, ResourceMetrics.scope_metrics, ScopeMetrics.metrics.
    private const int ResourceMetricsField = 1;
    private const int ScopeMetricsField = 2;
    private const int MetricsField = 2;
    // Metric.name, Metric.sum; Sum.data_points, Sum.aggregation_temporality.
    private const int NameField = 1;
    private const int SumField = 7;
    private const int DataPointsField = 1;
    private const int TemporalityField = 2;
    private const int CumulativeTemporality = 2;
    // NumberDataPoint.time_unix_nano (fixed64), as_int (sfixed64), attributes; KeyValue.key/value; AnyValue.string_value.
    private const int TimeField = 3;
    private const int AsIntField = 6;
    private const int AttributesField = 7;
    private const int KeyField = 1;
    private const int ValueField = 2;
    private const int StringValueField = 1;

    /// <summary>The cumulative counter <paramref name="name"/> by the value of <paramref name="attribute"/>; null if the request lacks it.</summary>
    public static CounterPoint? Read(ByteString request, string name, string attribute)
    {
        long time = 0;
        Dictionary<string, long>? values = null;
        foreach (var resource in Messages(request, ResourceMetricsField))
        {
            foreach (var scope in Messages(resource, ScopeMetricsField))
            {
                foreach (var metric in Messages(scope, MetricsField))
                {
                    if (Strings(metric, NameField).FirstOrDefault() != name)
                    {
                        continue;
                    }
                    foreach (var sum in Messages(metric, SumField))
                    {
                        if (Varints(sum, TemporalityField).FirstOrDefault() != CumulativeTemporality)
                        {
                            throw new BenchException($"OTLP counter {name} is not cumulative (set OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative)");
                        }
                        foreach (var point in Messages(sum, DataPointsField))
                        {
                            values ??= [];
                            var (pointTime, value, label) = Point(point, attribute);
                            time = Math.Max(time, pointTime);
                            values[label] = values.GetValueOrDefault(label) + value;
                        }
                    }
                }
            }
        }
        return values is null ? null : new CounterPoint(time, values);
    }

    private static (long Time, long Value, string Label) Point(ByteString point, string attribute)
    {
        long time = 0;
        long value = 0;
        var label = "";
        var input = point.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case TimeField:
                    time = (long)input.ReadFixed64();
                    break;
                case AsIntField:
                    value = input.ReadSFixed64();
                    break;
                case AttributesField:
                    var pair = input.ReadBytes();
                    if (Strings(pair, KeyField).FirstOrDefault() == attribute)
                    {
                        label = Messages(pair, ValueField).SelectMany(any => Strings(any, StringValueField)).FirstOrDefault() ?? "";
                    }
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return (time, value, label);
    }

    private static IEnumerable<ByteString> Messages(ByteString message, int field) => Fields(message, field, input => input.ReadBytes());

    private static IEnumerable<string> Strings(ByteString message, int field) => Fields(message, field, input => input.ReadString());

    private static IEnumerable<ulong> Varints(ByteString message, int field) => Fields(message, field, input => input.ReadUInt64());

    private static List<T> Fields<T>(ByteString message, int field, Func<CodedInputStream, T> read)
    {
        var found = new List<T>();
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field)
            {
                found.Add(read(input));
            }
            else
            {
                input.SkipLastField();
            }
        }
        return found;
    }
}
