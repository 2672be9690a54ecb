using Mesh.Connect.Proxy;

namespace Mesh.Sidecar.Tls;

/// <summary>
/// Chooses the TLS material for a snapshot. After a CA rotation the agent sends new roots and a leaf signed by the
/// new root; a peer that has not received the new roots yet would refuse that leaf (the CA does not cross-sign). So
/// a leaf signed by a root first seen less than <see cref="RootPropagation"/> ago waits: the proxy trusts the new
/// roots at once but keeps presenting its current leaf, while it is valid and still chains to a trusted root.
/// </summary>
public sealed class TlsRotation(TimeProvider time)
{
    public static readonly TimeSpan RootPropagation = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, long> _rootFirstSeen = new(StringComparer.Ordinal);

    /// <returns>The material to use, and when the held-back leaf may be adopted (null when nothing is held back).</returns>
    public (TlsMaterial Material, TimeSpan? AdoptLeafIn) Choose(ProxySnapshot snapshot, TlsMaterial? current)
    {
        var now = time.GetTimestamp();
        foreach (var gone in _rootFirstSeen.Keys.Except(snapshot.Roots).ToList())
        {
            _rootFirstSeen.Remove(gone);
        }
        foreach (var root in snapshot.Roots)
        {
            // The roots of the first snapshot are the mesh's, not news: its leaf is used at once.
            _rootFirstSeen.TryAdd(root, current is null ? now - (long)(RootPropagation.TotalSeconds * time.TimestampFrequency) : now);
        }
        if (current is not null && current.Matches(snapshot))
        {
            return (current, null);
        }
        var offered = TlsMaterial.From(snapshot);
        if (current is null || offered.IssuingRootPem is not { } issuer || current.Source.CertPem == snapshot.Leaf.CertPem)
        {
            return (offered, null);
        }
        var wait = RootPropagation - time.GetElapsedTime(_rootFirstSeen[issuer]);
        var currentStillUsable = current.IssuingRootPem is { } currentRoot && snapshot.Roots.Contains(currentRoot)
            && current.Leaf.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime + wait;
        if (wait <= TimeSpan.Zero || !currentStillUsable)
        {
            return (offered, null);
        }
        var held = snapshot with { Leaf = current.Source };
        return (current.Matches(held) ? current : TlsMaterial.From(held), wait);
    }
}
