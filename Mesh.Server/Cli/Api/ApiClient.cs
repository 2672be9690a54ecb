using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Mesh.Server.Cli.Api;

/// <summary>
/// A small client for the agent's Consul-compatible <c>/v1</c> API, doing what Consul's Go client
/// does for the CLI: <c>?dc=</c> on every request when a datacenter is chosen, the ACL token in
/// <c>X-Consul-Token</c>, and errors worded like Go's. Split by API area into partial files.
/// </summary>
internal sealed partial class ApiClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly HttpClient _http;
    private readonly string _root;
    private readonly string? _token;
    private readonly string? _datacenter;

    /// <param name="baseAddress">Scheme, host, port and an optional reverse-proxy path prefix.</param>
    public ApiClient(Uri baseAddress, string? token, string? datacenter, HttpMessageHandler? handler = null)
    {
        // The CLI makes one short-lived call; Consul's client has no timeout either (^C stops it).
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _root = baseAddress.GetLeftPart(UriPartial.Authority) + baseAddress.AbsolutePath.TrimEnd('/');
        _token = string.IsNullOrEmpty(token) ? null : token;
        _datacenter = string.IsNullOrEmpty(datacenter) ? null : datacenter;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A GET whose 2xx JSON body is decoded; <paramref name="notFoundIsEmpty"/> turns a 404 into default.</summary>
    private async Task<T?> QueryAsync<T>(string path, ApiQuery query, CancellationToken cancellationToken, bool notFoundIsEmpty = false)
    {
        using var response = await SendAsync(HttpMethod.Get, path, query, null, cancellationToken);
        if (notFoundIsEmpty && response.StatusCode == HttpStatusCode.NotFound)
        {
            return default;
        }
        await EnsureSuccessAsync(response, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new ApiException($"Failed to decode response: {ex.Message}");
        }
    }

    /// <summary>A write whose 2xx body (Consul answers <c>true</c>/<c>false</c> for many) is returned as text.</summary>
    private async Task<string> WriteAsync(HttpMethod method, string path, ApiQuery query, byte[]? body, CancellationToken cancellationToken)
    {
        using var content = body is null ? null : new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } };
        using var response = await SendAsync(method, path, query, content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, ApiQuery query, HttpContent? content, CancellationToken cancellationToken)
    {
        if (_datacenter is not null)
        {
            query.Add("dc", _datacenter);
        }
        var uri = new Uri(_root + path + query);
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        if (_token is not null)
        {
            request.Headers.Add("X-Consul-Token", _token);
        }
        try
        {
            return await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ApiException($"{GoMethodName(method)} \"{uri.AbsoluteUri}\": {Describe(uri, ex)}");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ApiException($"Unexpected response code: {(int)response.StatusCode} ({body.Trim()})");
        }
    }

    /// <summary>A path segment per key segment, so a key's slashes stay path separators.</summary>
    private static string EscapePath(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    // Go's url.Error names the method "Get", "Put", "Delete".
    private static string GoMethodName(HttpMethod method) => method.Method[..1] + method.Method[1..].ToLowerInvariant();

    private static string Describe(Uri uri, HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"dial tcp {uri.Host}:{uri.Port}: connect: connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => $"dial tcp: lookup {uri.Host}: no such host",
        SocketException { SocketErrorCode: SocketError.TimedOut } => $"dial tcp {uri.Host}:{uri.Port}: i/o timeout",
        _ => ex.GetBaseException().Message,
    };
}
