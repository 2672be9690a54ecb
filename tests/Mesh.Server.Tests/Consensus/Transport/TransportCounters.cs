using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Server.Tests.Consensus.Transport;

/// <summary>Totals of the counters of the transports given <see cref="Factory"/>; other tests' meters are ignored.</summary>
internal sealed class TransportCounters : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);

    public TransportCounters()
    {
        Factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == Factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var name = instrument.Name;
            foreach (var tag in tags)
            {
                name += $"/{tag.Value}";
            }
            _totals.AddOrUpdate(name, value, (_, total) => total + value);
        });
        _listener.Start();
    }

    public IMeterFactory Factory { get; }

    /// <summary>A counter's total, e.g. "mesh.raft.transport.sent" or "mesh.raft.transport.dropped/queue_full".</summary>
    public long this[string name] => _totals.GetValueOrDefault(name);

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
