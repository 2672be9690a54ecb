using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Connect;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>A certificate authority of the tests' own, issuing SPIFFE leaves as the mesh CA does.</summary>
internal sealed class TestCa : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCa(string trustDomain)
    {
        TrustDomain = trustDomain;
        var request = new CertificateRequest($"CN=Test CA {trustDomain}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(SpiffeIds.Signing(trustDomain)));
        request.CertificateExtensions.Add(san.Build());
        Root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public string TrustDomain { get; }

    public X509Certificate2 Root { get; }

    public string RootPem => Root.ExportCertificatePem();

    /// <summary>A leaf for <paramref name="service"/>, with its key.</summary>
    public X509Certificate2 Leaf(string service, string? trustDomain = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={service}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(SpiffeIds.Service(trustDomain ?? TrustDomain, "dc1", service)));
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = request.Create(Root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1), serial);
        return signed.CopyWithPrivateKey(key);
    }

    public static (string CertPem, string KeyPem) Pem(X509Certificate2 leaf) =>
        (leaf.ExportCertificatePem(), leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

    public void Dispose()
    {
        Root.Dispose();
        _key.Dispose();
    }
}
