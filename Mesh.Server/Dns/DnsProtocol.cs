namespace Mesh.Server.Dns;

/// <summary>The resource record types the agent answers or reads (RFC 1035, 3596, 2782, 6891).</summary>
internal enum DnsType : ushort
{
    A = 1,
    Ns = 2,
    Cname = 5,
    Soa = 6,
    Ptr = 12,
    Txt = 16,
    Aaaa = 28,
    Srv = 33,
    Opt = 41,
    Any = 255,
}

/// <summary>Response codes (RFC 1035 4.1.1).</summary>
internal enum DnsRcode : byte
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
}

/// <summary>Sizes from RFC 1035 and RFC 6891.</summary>
internal static class DnsLimits
{
    public const int HeaderSize = 12;
    /// <summary>The largest UDP reply to a query without EDNS0.</summary>
    public const int ClassicUdpSize = 512;
    public const int MaxMessageSize = 65535;
    public const int MaxNameLength = 255;
    public const int MaxLabelLength = 63;
    public const ushort ClassInternet = 1;
}
