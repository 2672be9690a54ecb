namespace Mesh.Connect.Proxy;

/// <summary>
/// Consul's service protocols. <see cref="Tcp"/>, the default, is proxied as an L4 byte relay with intentions
/// checked once per connection; the others are proxied as HTTP, where L7 intentions and per-request spans apply.
/// </summary>
public static class ProxyProtocols
{
    public const string Tcp = "tcp";
    public const string Http = "http";
    public const string Http2 = "http2";
    public const string Grpc = "grpc";

    /// <summary>A configured protocol as Consul reads it (case-insensitive); null, empty or unknown is <see cref="Tcp"/>.</summary>
    public static string Normalize(string? protocol) => protocol?.Trim().ToLowerInvariant() switch
    {
        Http => Http,
        Http2 => Http2,
        Grpc => Grpc,
        _ => Tcp,
    };

    public static bool IsHttp(string protocol) => protocol != Tcp;
}
