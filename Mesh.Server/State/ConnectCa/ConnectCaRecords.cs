using System.Text.Json.Serialization;

namespace Mesh.Server.State.ConnectCa;

/// <summary>
/// One CA root as the state holds it (Consul's structs.CARoot). The built-in provider keeps the signing key in the
/// replicated state, as Consul does, so that any server can sign leaves; reads for the API leave it out.
/// </summary>
public sealed record CaRoot
{
    /// <summary>Colon-hex SHA-1 fingerprint of the certificate's DER.</summary>
    public required string ID { get; init; }
    public required string Name { get; init; }
    public ulong SerialNumber { get; init; }
    /// <summary>Colon-hex subject key identifier.</summary>
    public required string SigningKeyID { get; init; }
    public DateTimeOffset NotBefore { get; init; }
    public DateTimeOffset NotAfter { get; init; }
    public required string RootCert { get; init; }
    /// <summary>PKCS#8 PEM; null in reads that must not carry it.</summary>
    public string? PrivateKey { get; init; }
    public bool Active { get; init; }
    public required string PrivateKeyType { get; init; }
    public int PrivateKeyBits { get; init; }
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }
}

/// <summary>The built-in provider's settings (Consul's ca_config with its defaults).</summary>
public sealed record CaProviderConfig
{
    public string LeafCertTTL { get; init; } = "72h";
    public string RotationPeriod { get; init; } = "2160h";
    public string IntermediateCertTTL { get; init; } = "8760h";
    public string RootCertTTL { get; init; } = "87600h";
    public string PrivateKeyType { get; init; } = "ec";
    public int PrivateKeyBits { get; init; } = 256;
}

/// <summary>Consul's structs.CAConfiguration.</summary>
public sealed record CaConfiguration
{
    public string Provider { get; init; } = "consul";
    public CaProviderConfig Config { get; init; } = new();
    public bool ForceWithoutCrossSigning { get; init; }
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }
}

/// <summary>
/// The whole CA table: the cluster's identity, every root (the active one and those kept so that leaves they
/// signed still verify) and the configuration. <see cref="Index"/> is the last change to any of it.
/// </summary>
public sealed record ConnectCaState(string? ClusterId, IReadOnlyList<CaRoot> Roots, CaConfiguration? Configuration, ulong Index)
{
    public static readonly ConnectCaState Empty = new(null, [], null, 0);

    /// <summary>SPIFFE trust domain: <c>&lt;cluster id&gt;.consul</c>.</summary>
    [JsonIgnore]
    public string TrustDomain => ClusterId is null ? "" : $"{ClusterId}.consul";

    [JsonIgnore]
    public CaRoot? ActiveRoot => Roots.FirstOrDefault(r => r.Active);
}
