using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Server.Connect;
using Mesh.Server.State.ConnectCa;

namespace Mesh.Server.Tests.Connect;

public sealed class CertificateAuthorityTests
{
    private const string ClusterId = "7f42f496-fbc7-8692-05ed-334aa5340c1e";
    private const string TrustDomain = ClusterId + ".consul";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public void RootIsAnEcP256CaForTheTrustDomain()
    {
        var root = CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig(), Now);
        using var cert = X509Certificate2.CreateFromPem(root.RootCert);

        Assert.Matches("^CN=pri-[0-9a-f]{8}\\.consul\\.ca\\.7f42f496\\.consul$", cert.Subject);
        Assert.Equal(cert.Subject, cert.Issuer);
        var constraints = cert.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(cert.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign));
        Assert.Equal([$"spiffe://{TrustDomain}"], CaAssert.UriSans(cert));
        using var key = cert.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        Assert.Equal(("ec", 256), (root.PrivateKeyType, root.PrivateKeyBits));
        // Consul's root ID: the SHA-1 of the DER, lower-case colon hex.
        Assert.Equal(string.Join(':', SHA1.HashData(cert.RawData).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))), root.ID);
        Assert.Matches("^([0-9a-f]{2}:){31}[0-9a-f]{2}$", root.SigningKeyID);
        Assert.Equal(cert.SerialNumberBytes.ToArray().Aggregate(0UL, (value, b) => (value << 8) | b), root.SerialNumber);
        Assert.Equal(TimeSpan.FromHours(87600), root.NotAfter - root.NotBefore);
        Assert.Equal(root.NotBefore, new DateTimeOffset(cert.NotBefore.ToUniversalTime()));
        Assert.Contains("PRIVATE KEY", root.PrivateKey, StringComparison.Ordinal);
    }

    [Fact]
    public void LeafVerifiesAgainstItsRootWithTheServiceIdentity()
    {
        var root = CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig(), Now);
        var leaf = Sign(root, "web", TimeSpan.FromHours(72));
        using var cert = X509Certificate2.CreateFromPem(leaf.CertPEM);

        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.CertPEM, [root.RootCert], Now.UtcDateTime));
        var uri = $"spiffe://{TrustDomain}/ns/default/dc/dc1/svc/web";
        Assert.Equal([uri], CaAssert.UriSans(cert));
        Assert.Equal(uri, leaf.ServiceURI);
        Assert.Equal([CaAssert.ServerAuth, CaAssert.ClientAuth], CaAssert.Ekus(cert));
        Assert.False(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 59, 30, TimeSpan.Zero), leaf.ValidAfter);
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 12, 0, 30, TimeSpan.Zero), leaf.ValidBefore);
        Assert.Equal(leaf.ValidBefore, new DateTimeOffset(cert.NotAfter.ToUniversalTime()));
        Assert.Equal(root.ID, leaf.RootID);
        // The private key is the certificate's.
        using var key = ECDsa.Create();
        key.ImportFromPem(leaf.PrivateKeyPEM);
        using var withKey = cert.CopyWithPrivateKey(key);
        Assert.True(withKey.HasPrivateKey);
        Assert.Matches("^([0-9a-f]{2}:){7}[0-9a-f]{2}$", leaf.SerialNumber);
    }

    [Fact]
    public void LeafDoesNotVerifyAgainstAnotherRootNorAfterItExpires()
    {
        var root = CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig(), Now);
        var other = CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig(), Now);
        var leaf = Sign(root, "web", TimeSpan.FromHours(72));

        Assert.NotEqual(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.CertPEM, [other.RootCert], Now.UtcDateTime));
        Assert.True(CaAssert.Verify(leaf.CertPEM, [root.RootCert], Now.UtcDateTime.AddHours(73)).HasFlag(X509ChainStatusFlags.NotTimeValid));
    }

    [Fact]
    public void RootFromAnOperatorKeyUsesThatKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var root = CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig(), Now, key.ExportPkcs8PrivateKeyPem());
        using var cert = X509Certificate2.CreateFromPem(root.RootCert);

        Assert.Equal(key.ExportSubjectPublicKeyInfo(), cert.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo());
        Assert.Equal(("ec", 384), (root.PrivateKeyType, root.PrivateKeyBits));
        var leaf = Sign(root, "db", TimeSpan.FromHours(1));
        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.CertPEM, [root.RootCert], Now.UtcDateTime));
    }

    [Fact]
    public void RsaRootsSignLeavesToo()
    {
        var root = CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig { PrivateKeyType = "rsa", PrivateKeyBits = 2048 }, Now);
        var leaf = Sign(root, "web", TimeSpan.FromHours(72));

        Assert.Equal(("rsa", 2048), (root.PrivateKeyType, root.PrivateKeyBits));
        Assert.Equal(X509ChainStatusFlags.NoError, CaAssert.Verify(leaf.CertPEM, [root.RootCert], Now.UtcDateTime));
    }

    [Theory]
    [InlineData("ec", 255, "EC key length")]
    [InlineData("rsa", 1024, "RSA key length")]
    [InlineData("dsa", 256, "either 'ec' or 'rsa'")]
    public void UnsupportedKeysAreRefused(string type, int bits, string message)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig { PrivateKeyType = type, PrivateKeyBits = bits }, Now));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARequestWhoseSignatureDoesNotMatchItsKeyIsRefused()
    {
        var root = CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig(), Now);
        var csr = LeafKey.Create("web").CsrPem;
        var der = Convert.FromBase64String(string.Concat(csr.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal))));
        der[^1] ^= 0x55;
        var tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        Assert.Throws<ArgumentException>(() => CertificateAuthority.SignLeaf(root, TrustDomain, "dc1", "web", tampered, Now, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void SigningWithoutTheKeyIsRefused()
    {
        var root = CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig(), Now) with { PrivateKey = null };
        Assert.Throws<InvalidOperationException>(() => Sign(root, "web", TimeSpan.FromHours(1)));
    }

    /// <summary>What an agent does: a new key here, its request signed by the CA, the key kept with the certificate.</summary>
    private static LeafCertificate Sign(CaRoot root, string service, TimeSpan ttl)
    {
        var key = LeafKey.Create(service);
        var leaf = CertificateAuthority.SignLeaf(root, TrustDomain, "dc1", service, key.CsrPem, Now, ttl);
        Assert.Equal("", leaf.PrivateKeyPEM);
        return leaf with { PrivateKeyPEM = key.PrivateKeyPem };
    }
}
