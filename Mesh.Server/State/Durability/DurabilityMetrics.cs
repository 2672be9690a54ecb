using System.Diagnostics.Metrics;

namespace Mesh.Server.State.Durability;

/// <summary>How hard the disk works: fsyncs, and entries per fsync (group commit at work).</summary>
internal static class DurabilityMetrics
{
    private static readonly Meter Meter = new("mesh.state");
    private static readonly Counter<long> Fsyncs = Meter.CreateCounter<long>("mesh.state.fsyncs", description: "fsyncs of the command log");
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "mesh.state.commit.batch_size", unit: "{entry}", description: "Entries made durable by one fsync");

    public static void Synced(int entries)
    {
        Fsyncs.Add(1);
        BatchSize.Record(entries);
    }
}
