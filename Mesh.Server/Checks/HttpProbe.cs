using System.Net.Security;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Checks;

/// <summary>
/// Consul's HTTP check: 2xx is passing, 429 warning, anything else (or no answer) critical. Output is
/// "HTTP GET url: 200 OK Output: body" with the last OutputMaxSize bytes of the body.
/// </summary>
internal sealed class HttpProbe : ICheckProbe, IDisposable
{
    private readonly CheckSettings _settings;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly string _method;
    private readonly string _url;

    public HttpProbe(CheckSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        var definition = settings.Definition;
        _method = string.IsNullOrEmpty(definition.Method) ? "GET" : definition.Method;
        _url = definition.HTTP!;
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            MaxAutomaticRedirections = 10, // Go's http.Client limit
        };
        if (definition.TLSSkipVerify || !string.IsNullOrEmpty(definition.TLSServerName))
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = string.IsNullOrEmpty(definition.TLSServerName) ? null : definition.TLSServerName,
                RemoteCertificateValidationCallback = definition.TLSSkipVerify ? (_, _, _, _) => true : null,
            };
        }
        // The check's timeout comes from the monitor's token, driven by TimeProvider.
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<CheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        HttpRequestMessage request;
        try
        {
            request = BuildRequest();
        }
        catch (Exception ex) when (ex is UriFormatException or FormatException or ArgumentException or InvalidOperationException)
        {
            return CheckResult.Critical($"{Operation} \"{_url}\": {ex.Message}");
        }

        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return CheckResult.Critical($"{Operation} \"{_url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
            }
            catch (HttpRequestException ex)
            {
                return CheckResult.Critical($"{Operation} \"{_url}\": {Describe(request.RequestUri!, ex)}");
            }

            using (response)
            {
                var body = new OutputBuffer(_settings.OutputMaxSize);
                try
                {
                    var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    await using (stream.ConfigureAwait(false))
                    {
                        await body.CopyFromAsync(stream, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
                {
                    // Consul, too, judges by the status code and keeps whatever body arrived.
                    _logger.LogWarning("Check {CheckId}: error while reading body: {Error}", _settings.CheckId, ex.Message);
                }

                var code = (int)response.StatusCode;
                var reason = string.IsNullOrEmpty(response.ReasonPhrase) ? ReasonPhrases.GetReasonPhrase(code) : response.ReasonPhrase;
                var output = $"HTTP {_method} {_url}: {code} {reason} Output: {body}";
                return code switch
                {
                    >= 200 and <= 299 => CheckResult.Passing(output),
                    429 => CheckResult.Warning(output),
                    _ => CheckResult.Critical(output),
                };
            }
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Go's url.Error names the method like "Get" and "Post".</summary>
    private string Operation => _method[..1].ToUpperInvariant() + _method[1..].ToLowerInvariant();

    private HttpRequestMessage BuildRequest()
    {
        var definition = _settings.Definition;
        var request = new HttpRequestMessage(new HttpMethod(_method), new Uri(_url, UriKind.Absolute));
        // Consul disables keep-alive so a server's idle timeout can't fail the next check.
        request.Headers.ConnectionClose = true;
        if (!string.IsNullOrEmpty(definition.Body))
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(definition.Body));
        }

        var headers = definition.Header ?? [];
        foreach (var (name, values) in headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = values.FirstOrDefault();
            }
            else if (!request.Headers.TryAddWithoutValidation(name, values))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }
        if (!headers.Keys.Any(name => name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", CheckDefaults.UserAgent);
        }
        if (!headers.Keys.Any(name => name.Equals("Accept", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation("Accept", "text/plain, text/*, */*");
        }
        return request;
    }

    private static string Describe(Uri uri, HttpRequestException error) =>
        error.InnerException switch
        {
            System.Net.Sockets.SocketException socket => GoFormat.DialError($"{uri.Host}:{uri.Port}", socket),
            { } inner => inner.Message,
            null => error.Message,
        };
}
