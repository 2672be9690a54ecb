using Mesh.Connect.Proxy;

namespace Mesh.Sidecar.Outbound;

/// <summary>
/// Round robin over one destination's healthy sidecars, skipping for <see cref="EjectionTime"/> any that just
/// failed to connect (passive health). When every instance is ejected it still tries them: a guess beats a 503.
/// </summary>
public sealed class InstanceBalancer(TimeProvider time)
{
    public static readonly TimeSpan EjectionTime = TimeSpan.FromSeconds(5);

    private UpstreamEndpoint[] _endpoints = [];
    private int _next = -1;

    public IReadOnlyList<UpstreamEndpoint> Endpoints => Volatile.Read(ref _endpoints);

    /// <summary>Takes a snapshot's instances, keeping the endpoint (and its ejection) of any instance it already had.</summary>
    public void Update(IReadOnlyList<UpstreamInstance> instances)
    {
        var known = Volatile.Read(ref _endpoints).ToDictionary(e => e.Key);
        var endpoints = instances
            .Select(i => known.TryGetValue($"{i.Address}:{i.Port}", out var existing) && existing.Instance == i ? existing : new UpstreamEndpoint(i))
            .DistinctBy(e => e.Key)
            .ToArray();
        Volatile.Write(ref _endpoints, endpoints);
    }

    /// <param name="tried">The endpoints this request already failed on; null on its first attempt.</param>
    public UpstreamEndpoint? Pick(IReadOnlyCollection<UpstreamEndpoint>? tried)
    {
        var endpoints = Volatile.Read(ref _endpoints);
        if (endpoints.Length == 0)
        {
            return null;
        }
        var now = time.GetTimestamp();
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length);
        UpstreamEndpoint? fallback = null;
        for (var i = 0; i < endpoints.Length; i++)
        {
            var candidate = endpoints[(start + i) % endpoints.Length];
            if (tried?.Contains(candidate) == true)
            {
                continue;
            }
            if (!candidate.IsEjected(now))
            {
                return candidate;
            }
            fallback ??= candidate;
        }
        return fallback;
    }

    public void Eject(UpstreamEndpoint endpoint) =>
        endpoint.Eject(time.GetTimestamp() + (long)(EjectionTime.TotalSeconds * time.TimestampFrequency));
}
