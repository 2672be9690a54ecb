using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Connect;
using Mesh.Server.State.ConnectCa;

namespace Mesh.Server.Connect;

/// <summary>
/// The built-in CA provider: creates roots and signs service leaf certificates with them. Pure functions of their
/// inputs plus fresh randomness (keys, serials); what they produce is written through Raft by the caller.
/// </summary>
public static class CertificateAuthority
{
    public const string RootName = "Consul CA Primary Cert";

    // Leaves start a minute early, as Consul's do, so that a peer whose clock is slightly behind accepts them.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A new self-signed root for <paramref name="clusterId"/>'s trust domain: a CA for any path length, allowed to
    /// sign certificates and CRLs, named by the SPIFFE ID of the trust domain. <paramref name="privateKeyPem"/>
    /// (an operator's key) is used instead of a generated one when given.
    /// </summary>
    public static CaRoot CreateRoot(string clusterId, CaProviderConfig config, DateTimeOffset now, string? privateKeyPem = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var rootTtl = ParseTtl(config.RootCertTTL, nameof(config.RootCertTTL));
        using var key = privateKeyPem is null ? CaKeys.Generate(config.PrivateKeyType, config.PrivateKeyBits) : CaKeys.Import(privateKeyPem);
        var keyId = CaKeys.KeyId(key);
        var trustDomain = $"{clusterId}.consul";
        var subject = new X500DistinguishedName(
            $"CN=pri-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.consul.ca.{clusterId[..Math.Min(8, clusterId.Length)]}.consul");
        var request = CaKeys.Request(subject, key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(keyId, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyId));
        request.CertificateExtensions.Add(UriSan(SpiffeIds.Signing(trustDomain)));
        var (serialBytes, serial) = NewSerial();
        var notBefore = Truncate(now) - Backdate;
        using var cert = request.Create(subject, CaKeys.Signer(key), notBefore, notBefore + rootTtl, serialBytes);
        var (type, bits) = CaKeys.Describe(key);
        return new CaRoot
        {
            ID = Fingerprint(cert),
            Name = RootName,
            SerialNumber = serial,
            SigningKeyID = CaKeys.ColonHex(keyId),
            NotBefore = cert.NotBefore.ToUniversalTime(),
            NotAfter = cert.NotAfter.ToUniversalTime(),
            RootCert = cert.ExportCertificatePem() + "\n",
            PrivateKey = CaKeys.ExportPem(key) + "\n",
            Active = true,
            PrivateKeyType = type,
            PrivateKeyBits = bits,
        };
    }

    /// <summary>
    /// A leaf for <paramref name="service"/>: the key in <paramref name="csrPem"/> (whose signature proves its holder
    /// has the private key, which never reaches the CA) certified by <paramref name="root"/> (which must carry its
    /// key), valid from a minute ago for <paramref name="ttl"/>, for TLS client and server use, with the service's
    /// SPIFFE ID as its URI SAN. The result's <see cref="LeafCertificate.PrivateKeyPEM"/> is empty.
    /// </summary>
    public static LeafCertificate SignLeaf(CaRoot root, string trustDomain, string datacenter, string service, string csrPem, DateTimeOffset now, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.PrivateKey is null)
        {
            throw new InvalidOperationException("the CA root's private key is not available to sign with");
        }
        CertificateRequest csr;
        try
        {
            csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"invalid certificate signing request: {ex.Message}", nameof(csrPem), ex);
        }
        using var caKey = CaKeys.Import(root.PrivateKey);
        using var caCert = X509Certificate2.CreateFromPem(root.RootCert);
        var uri = SpiffeIds.Service(trustDomain, datacenter, service);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={service}"), csr.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(CaKeys.KeyId(csr.PublicKey), false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCert, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        request.CertificateExtensions.Add(UriSan(uri));
        var (serialBytes, _) = NewSerial();
        var notBefore = Truncate(now) - Backdate;
        // A leaf never outlives the root that vouches for it.
        var notAfter = Min(Truncate(now) + ttl, root.NotAfter);
        using var cert = request.Create(caCert.SubjectName, CaKeys.Signer(caKey), notBefore, notAfter, serialBytes);
        return new LeafCertificate(
            CaKeys.ColonHex(serialBytes),
            cert.ExportCertificatePem() + "\n",
            "",
            service,
            uri,
            notBefore,
            notAfter,
            root.ID);
    }

    /// <summary>Consul's root ID: the colon-hex SHA-1 of the certificate's DER.</summary>
    public static string Fingerprint(X509Certificate2 cert)
    {
        ArgumentNullException.ThrowIfNull(cert);
        return CaKeys.ColonHex(SHA1.HashData(cert.RawData));
    }

    /// <summary>A Go duration from the CA configuration; one that is not is an <see cref="ArgumentException"/>.</summary>
    public static TimeSpan ParseTtl(string value, string name) =>
        Config.GoDuration.TryParse(value, out var ttl, out _) && ttl > TimeSpan.Zero
            ? ttl
            : throw new ArgumentException($"{name} \"{value}\" is not a positive duration");

    // Written by hand: SubjectAlternativeNameBuilder normalizes the URI, adding a "/" that Consul's IDs do not have.
    private static X509Extension UriSan(string uri)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
        }
        return new X509Extension("2.5.29.17", writer.Encode(), critical: false);
    }

    // Positive 64-bit serials, so that they fit the roots' SerialNumber (a uint64 in Consul's JSON).
    private static (byte[] Bytes, ulong Value) NewSerial()
    {
        var bytes = RandomNumberGenerator.GetBytes(8);
        bytes[0] = (byte)((bytes[0] & 0x7f) | 0x01);
        return (bytes, BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    // Certificates hold whole seconds; keeping the reported times equal to the certificate's.
    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>A signed leaf with its key (empty as the CA returns it), and the root that signed it.</summary>
public sealed record LeafCertificate(
    string SerialNumber,
    string CertPEM,
    string PrivateKeyPEM,
    string Service,
    string ServiceURI,
    DateTimeOffset ValidAfter,
    DateTimeOffset ValidBefore,
    string RootID);
