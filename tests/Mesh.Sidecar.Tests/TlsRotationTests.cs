using Mesh.Connect.Proxy;
using Mesh.Sidecar.Tests.Harness;
using Mesh.Sidecar.Tls;

namespace Mesh.Sidecar.Tests;

/// <summary>When a new leaf is presented: at once, unless its root is news that peers may not have yet.</summary>
public sealed class TlsRotationTests : IDisposable
{
    private const string TrustDomain = "11111111-2222-3333-4444-555555555555.consul";

    private readonly TestCa _oldCa = new(TrustDomain);
    private readonly TestCa _newCa = new(TrustDomain);
    private readonly ManualTime _time = new();

    [Fact]
    public void TheFirstLeafIsUsedAtOnce()
    {
        var rotation = new TlsRotation(_time);
        var snapshot = Snapshot(_oldCa, [_oldCa]);

        var (material, adoptIn) = rotation.Choose(snapshot, current: null);

        Assert.Equal(snapshot.Leaf.CertPem, material.Source.CertPem);
        Assert.Null(adoptIn);
    }

    [Fact]
    public void ALeafFromABrandNewRootWaitsWhileTheNewRootIsAlreadyTrusted()
    {
        var rotation = new TlsRotation(_time);
        var (current, _) = rotation.Choose(Snapshot(_oldCa, [_oldCa]), null);
        var rotated = Snapshot(_newCa, [_newCa, _oldCa]);

        var (held, adoptIn) = rotation.Choose(rotated, current);

        Assert.Equal(current.Source.CertPem, held.Source.CertPem);
        Assert.Equal(2, held.Roots.Count);
        Assert.Equal(TlsRotation.RootPropagation, adoptIn);

        _time.Advance(TlsRotation.RootPropagation);
        var (adopted, none) = rotation.Choose(rotated, held);
        Assert.Equal(rotated.Leaf.CertPem, adopted.Source.CertPem);
        Assert.Null(none);
    }

    [Fact]
    public void ARenewedLeafFromAKnownRootIsUsedAtOnce()
    {
        var rotation = new TlsRotation(_time);
        var (current, _) = rotation.Choose(Snapshot(_oldCa, [_oldCa]), null);
        var renewed = Snapshot(_oldCa, [_oldCa]);

        var (material, adoptIn) = rotation.Choose(renewed, current);

        Assert.Equal(renewed.Leaf.CertPem, material.Source.CertPem);
        Assert.Null(adoptIn);
    }

    [Fact]
    public void ALeafWhoseRootIsNoLongerTrustedIsReplacedAtOnce()
    {
        var rotation = new TlsRotation(_time);
        var (current, _) = rotation.Choose(Snapshot(_oldCa, [_oldCa]), null);
        var replaced = Snapshot(_newCa, [_newCa]);

        var (material, adoptIn) = rotation.Choose(replaced, current);

        Assert.Equal(replaced.Leaf.CertPem, material.Source.CertPem);
        Assert.Null(adoptIn);
    }

    public void Dispose()
    {
        _oldCa.Dispose();
        _newCa.Dispose();
    }

    private static ProxySnapshot Snapshot(TestCa signer, TestCa[] roots)
    {
        using var leaf = signer.Leaf("web");
        var (certPem, keyPem) = TestCa.Pem(leaf);
        return new ProxySnapshot
        {
            ProxyId = "web-sidecar-proxy",
            Service = "web",
            ServiceId = "web",
            Datacenter = "dc1",
            TrustDomain = TrustDomain,
            Public = new ProxyEndpoint("", 21000),
            LocalApp = new ProxyEndpoint("127.0.0.1", 8080),
            Leaf = new ProxyLeaf(certPem, keyPem, leaf.SerialNumber, leaf.NotAfter),
            Roots = [.. roots.Select(r => r.RootPem)],
        };
    }

    /// <summary>A clock the test moves.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
        private TimeSpan _elapsed = TimeSpan.FromHours(1);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _elapsed.Ticks;

        public override DateTimeOffset GetUtcNow() => _start + _elapsed - TimeSpan.FromHours(1);

        public void Advance(TimeSpan by) => _elapsed += by;
    }
}
