using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mesh.Server.Checks;

/// <summary>Instruments of the "mesh.checks" meter; names are stable for dashboards.</summary>
internal static class CheckMetrics
{
    public const string MeterName = "mesh.checks";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Counter<long> s_runs = s_meter.CreateCounter<long>(
        "mesh.checks.runs", "{run}", "Check runs by check type and raw outcome.");
    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>(
        "mesh.checks.run.duration", "s", "Time one check run took.");
    private static readonly Counter<long> s_transitions = s_meter.CreateCounter<long>(
        "mesh.checks.transitions", "{transition}", "Status or output changes reported to the agent.");

    public static void RecordRun(CheckType type, string status, TimeSpan elapsed)
    {
        var tags = new TagList { { "check.type", Name(type) }, { "check.status", status } };
        s_runs.Add(1, tags);
        s_duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("check.type", Name(type)));
    }

    public static void RecordTransition(CheckType type, string status) =>
        s_transitions.Add(1, new TagList { { "check.type", Name(type) }, { "check.status", status } });

    private static string Name(CheckType type) => type switch
    {
        CheckType.Http => "http",
        CheckType.Tcp => "tcp",
        CheckType.Grpc => "grpc",
        CheckType.Ttl => "ttl",
        _ => "script",
    };
}
