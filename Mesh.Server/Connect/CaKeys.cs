using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Server.Connect;

/// <summary>The key types the built-in CA supports, as Consul's PrivateKeyType/PrivateKeyBits name them.</summary>
public static class CaKeys
{
    /// <summary>A new key; a type/size Consul would refuse is an <see cref="ArgumentException"/> with its reason.</summary>
    public static AsymmetricAlgorithm Generate(string type, int bits) => (type, bits) switch
    {
        ("ec", 256) => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        ("ec", 384) => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        ("ec", 521) => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        ("rsa", 2048 or 4096) => RSA.Create(bits),
        ("ec", _) => throw new ArgumentException($"EC key length must be one of (256, 384, 521) bits, got {bits}"),
        ("rsa", _) => throw new ArgumentException($"RSA key length must be 2048 or 4096 bits, got {bits}"),
        _ => throw new ArgumentException($"private key type must be either 'ec' or 'rsa', got '{type}'"),
    };

    /// <summary>Reads a PEM private key (PKCS#8, SEC1 or PKCS#1), EC or RSA.</summary>
    public static AsymmetricAlgorithm Import(string pem)
    {
        if (pem.Contains("RSA PRIVATE KEY", StringComparison.Ordinal))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa;
        }
        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (CryptographicException)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa;
        }
    }

    public static string ExportPem(AsymmetricAlgorithm key) => key.ExportPkcs8PrivateKeyPem();

    /// <summary>Consul's type name and size of a key.</summary>
    public static (string Type, int Bits) Describe(AsymmetricAlgorithm key) => (key is RSA ? "rsa" : "ec", key.KeySize);

    public static CertificateRequest Request(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => new CertificateRequest(subject, ec, HashFor(ec)),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException($"unsupported key {key.GetType().Name}"),
    };

    public static X509SignatureGenerator Signer(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException($"unsupported key {key.GetType().Name}"),
    };

    /// <summary>The hash that matches the key's strength, as Go's x509 picks it.</summary>
    public static HashAlgorithmName HashFor(AsymmetricAlgorithm key) => key.KeySize switch
    {
        > 384 when key is ECDsa => HashAlgorithmName.SHA512,
        > 256 when key is ECDsa => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA256,
    };

    /// <summary>The key ID (subject key identifier, Consul's SigningKeyID): the SHA-256 of the public key.</summary>
    public static byte[] KeyId(AsymmetricAlgorithm key) => SHA256.HashData(key.ExportSubjectPublicKeyInfo());

    public static byte[] KeyId(PublicKey key) => SHA256.HashData(key.ExportSubjectPublicKeyInfo());

    /// <summary>Lower-case colon-separated hex, Consul's format for fingerprints, key IDs and leaf serials.</summary>
    public static string ColonHex(ReadOnlySpan<byte> bytes) =>
        string.Join(':', bytes.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
