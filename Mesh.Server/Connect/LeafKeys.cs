using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Server.Connect;

/// <summary>A new leaf key pair, made where the leaf is used, and the request that asks the CA to certify it.</summary>
internal sealed record LeafKey(string PrivateKeyPem, string CsrPem)
{
    public static LeafKey Create(string service)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={service}"), key, HashAlgorithmName.SHA256);
        return new LeafKey(key.ExportPkcs8PrivateKeyPem() + "\n", request.CreateSigningRequestPem());
    }
}
