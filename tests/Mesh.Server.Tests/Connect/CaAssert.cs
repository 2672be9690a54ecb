using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Server.Tests.Connect;

/// <summary>Real X.509 checks of what the CA issues.</summary>
internal static class CaAssert
{
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>Builds the leaf's chain against exactly <paramref name="rootPems"/> as trust anchors; the chain's status flags, none when valid.</summary>
    public static X509ChainStatusFlags Verify(string leafPem, IEnumerable<string> rootPems, DateTime? at = null)
    {
        using var leaf = X509Certificate2.CreateFromPem(leafPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var pem in rootPems)
        {
            chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(pem));
        }
        if (at is { } time)
        {
            chain.ChainPolicy.VerificationTime = time;
        }
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuth));
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuth));
        chain.Build(leaf);
        return chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (flags, status) => flags | status.Status);
    }

    /// <summary>The URI SANs of a certificate.</summary>
    public static IReadOnlyList<string> UriSans(X509Certificate2 cert)
    {
        var extension = cert.Extensions["2.5.29.17"] ?? throw new InvalidOperationException("no SAN extension");
        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        while (reader.HasData)
        {
            if (reader.PeekTag() == uriTag)
            {
                uris.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }
        return uris;
    }

    public static IReadOnlyList<string> Ekus(X509Certificate2 cert) =>
        [.. cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value!)];
}
