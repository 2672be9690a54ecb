using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Mesh.Connect;

namespace Mesh.Sidecar.Tls;

/// <summary>The identity a peer's certificate proves, or why it proves none.</summary>
public sealed record PeerVerification(SpiffeServiceId? Service, string? Error)
{
    public static PeerVerification Invalid(string error) => new(null, error);
}

/// <summary>
/// Verifies a peer's certificate as both directions need it: a chain to one of the mesh's roots only (no system
/// roots, no revocation lookups), and a SPIFFE service identity in the URI SAN from the mesh's trust domain.
/// </summary>
public static class PeerCertificate
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriName = new(TagClass.ContextSpecific, 6);

    public static PeerVerification Verify(X509Certificate? certificate, X509Certificate2Collection roots, string trustDomain)
    {
        if (certificate is null)
        {
            return PeerVerification.Invalid("no certificate presented");
        }
        var peer = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            if (!chain.Build(peer))
            {
                return PeerVerification.Invalid("certificate does not chain to a mesh root");
            }
        }
        if (UriSan(peer) is not { } uri)
        {
            return PeerVerification.Invalid("certificate has no URI SAN");
        }
        var parsed = SpiffeIds.ParseService(uri);
        if (parsed.Id is not { } id)
        {
            return PeerVerification.Invalid(parsed.Error!);
        }
        return string.Equals(id.TrustDomain, trustDomain, StringComparison.OrdinalIgnoreCase)
            ? new PeerVerification(id, null)
            : PeerVerification.Invalid($"certificate is from trust domain {id.TrustDomain}, not {trustDomain}");
    }

    /// <summary>The first URI in the subject alternative names (.NET only enumerates DNS names and addresses).</summary>
    public static string? UriSan(X509Certificate2 certificate)
    {
        if (certificate.Extensions[SubjectAltNameOid] is not { } extension)
        {
            return null;
        }
        try
        {
            var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(UriName))
                {
                    return names.ReadCharacterString(UniversalTagNumber.IA5String, UriName);
                }
                names.ReadEncodedValue();
            }
        }
        catch (AsnContentException)
        {
            // A malformed extension names nobody.
        }
        return null;
    }
}
