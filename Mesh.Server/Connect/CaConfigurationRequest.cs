using System.Globalization;
using System.Text.Json;
using Mesh.Server.State.ConnectCa;

namespace Mesh.Server.Connect;

/// <summary>
/// The body of PUT /v1/connect/ca/configuration: Consul's CAConfiguration with a free-form Config map, read with
/// its names in either form (LeafCertTTL or leaf_cert_ttl) as Consul's decoder does.
/// </summary>
public sealed record CaConfigurationRequest
{
    public string? Provider { get; init; }
    public Dictionary<string, JsonElement>? Config { get; init; }
    public bool ForceWithoutCrossSigning { get; init; }

    /// <summary>The provider settings it asks for, defaults where it says nothing; a bad value is an <see cref="ArgumentException"/>.</summary>
    public CaProviderConfig ProviderConfig()
    {
        if (Provider is { Length: > 0 } provider && provider != "consul")
        {
            throw new ArgumentException($"CA provider \"{provider}\" is not supported: only the built-in \"consul\" provider is");
        }
        var defaults = new CaProviderConfig();
        var config = new CaProviderConfig
        {
            LeafCertTTL = Text("LeafCertTTL") ?? defaults.LeafCertTTL,
            RotationPeriod = Text("RotationPeriod") ?? defaults.RotationPeriod,
            IntermediateCertTTL = Text("IntermediateCertTTL") ?? defaults.IntermediateCertTTL,
            RootCertTTL = Text("RootCertTTL") ?? defaults.RootCertTTL,
            PrivateKeyType = Text("PrivateKeyType") ?? defaults.PrivateKeyType,
            PrivateKeyBits = Number("PrivateKeyBits") ?? defaults.PrivateKeyBits,
        };
        CertificateAuthority.ParseTtl(config.LeafCertTTL, nameof(config.LeafCertTTL));
        CertificateAuthority.ParseTtl(config.RotationPeriod, nameof(config.RotationPeriod));
        CertificateAuthority.ParseTtl(config.IntermediateCertTTL, nameof(config.IntermediateCertTTL));
        CertificateAuthority.ParseTtl(config.RootCertTTL, nameof(config.RootCertTTL));
        // Refuses an unsupported key type or size before anything is generated.
        CaKeys.Generate(config.PrivateKeyType, config.PrivateKeyBits).Dispose();
        return config;
    }

    /// <summary>An operator's own root key (Config.PrivateKey), which forces a rotation to a root made from it.</summary>
    public string? PrivateKey => Text("PrivateKey") is { Length: > 0 } key ? key : null;

    /// <summary>An operator's own root certificate, which this CA does not take (it makes its root from PrivateKey).</summary>
    public bool HasRootCert => Text("RootCert") is { Length: > 0 };

    private JsonElement? Find(string name)
    {
        var wanted = Normalize(name);
        foreach (var (key, value) in Config ?? [])
        {
            if (Normalize(key) == wanted && value.ValueKind is not JsonValueKind.Null)
            {
                return value;
            }
        }
        return null;
    }

    private string? Text(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { } value => throw new ArgumentException($"Config.{name} must be a string, got {value.GetRawText()}"),
    };

    private int? Number(string name) => Find(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
        { ValueKind: JsonValueKind.String } value when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
        { } value => throw new ArgumentException($"Config.{name} must be a number, got {value.GetRawText()}"),
    };

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
