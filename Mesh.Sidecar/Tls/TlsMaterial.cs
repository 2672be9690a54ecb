using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mesh.Connect.Proxy;

namespace Mesh.Sidecar.Tls;

/// <summary>
/// One leaf and one set of roots, parsed once: the inbound listener serves <see cref="CertificateContext"/> and checks
/// clients against <see cref="Roots"/>; the outbound handler built from it presents the same leaf.
/// </summary>
public sealed class TlsMaterial
{
    private TlsMaterial(string trustDomain, ProxyLeaf source, IReadOnlyList<string> rootPems, X509Certificate2 leaf, X509Certificate2Collection roots, string? issuingRootPem)
    {
        TrustDomain = trustDomain;
        Source = source;
        RootPems = rootPems;
        Leaf = leaf;
        Roots = roots;
        IssuingRootPem = issuingRootPem;
        CertificateContext = SslStreamCertificateContext.Create(leaf, additionalCertificates: null, offline: true);
    }

    public string TrustDomain { get; }

    /// <summary>The leaf as the agent sent it.</summary>
    public ProxyLeaf Source { get; }

    public IReadOnlyList<string> RootPems { get; }

    public X509Certificate2 Leaf { get; }

    public X509Certificate2Collection Roots { get; }

    /// <summary>The PEM of the root the leaf chains to, or null when it chains to none of <see cref="Roots"/>.</summary>
    public string? IssuingRootPem { get; }

    /// <summary>The leaf, presented as server certificate inbound and as client certificate outbound.</summary>
    public SslStreamCertificateContext CertificateContext { get; }

    public static TlsMaterial From(ProxySnapshot snapshot)
    {
        var leaf = X509Certificate2.CreateFromPem(snapshot.Leaf.CertPem, snapshot.Leaf.PrivateKeyPem);
        var roots = new X509Certificate2Collection();
        var pemByThumbprint = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pem in snapshot.Roots)
        {
            var root = X509Certificate2.CreateFromPem(pem);
            roots.Add(root);
            pemByThumbprint[root.Thumbprint] = pem;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        var issuing = chain.Build(leaf) ? pemByThumbprint.GetValueOrDefault(chain.ChainElements[^1].Certificate.Thumbprint) : null;
        return new TlsMaterial(snapshot.TrustDomain, snapshot.Leaf, snapshot.Roots, leaf, roots, issuing);
    }

    /// <summary>Whether a snapshot carries the same leaf, roots and trust domain, so nothing TLS needs rebuilding.</summary>
    public bool Matches(ProxySnapshot snapshot) =>
        snapshot.Leaf.CertPem == Source.CertPem && snapshot.TrustDomain == TrustDomain && snapshot.Roots.SequenceEqual(RootPems, StringComparer.Ordinal);
}
