using System.CommandLine;
using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Flags;

/// <summary>
/// The flags every API-backed command shares (Consul's HTTPFlags): where the agent is and which
/// token to send, plus, for commands that read server state, <c>-datacenter</c> and <c>-stale</c>.
/// Unset flags fall back to <c>MESH_*</c>, then Consul's <c>CONSUL_*</c> environment variables.
/// </summary>
internal sealed class HttpFlags
{
    private const string DefaultAddress = "127.0.0.1:8500";

    private readonly Option<string?> _address = GoFlag.String("http-addr",
        "The address and port of the mesh agent's HTTP API. The value can be an IP address or DNS address, " +
        "but it must also include the port. It can also be set with the MESH_HTTP_ADDR or CONSUL_HTTP_ADDR " +
        "environment variable. The default value is http://127.0.0.1:8500. An https:// address, or " +
        "CONSUL_HTTP_SSL=true, selects HTTPS.", "address");
    private readonly Option<string?> _token = GoFlag.String("token",
        "ACL token to use in the request. It can also be set with the MESH_HTTP_TOKEN or CONSUL_HTTP_TOKEN " +
        "environment variable. If unspecified, the agent's own token is used.", "value");
    private readonly Option<string?> _tokenFile = GoFlag.String("token-file",
        "File containing the ACL token to use in the request instead of -token or the token environment " +
        "variables. It can also be set with the MESH_HTTP_TOKEN_FILE or CONSUL_HTTP_TOKEN_FILE environment variable.", "value");
    private readonly Option<string?>? _datacenter;
    private readonly Option<bool>? _stale;

    private HttpFlags(bool serverFlags)
    {
        if (serverFlags)
        {
            _datacenter = GoFlag.String("datacenter",
                "Name of the datacenter to query. If unspecified, this will default to the datacenter of the queried agent.", "value");
            _stale = GoFlag.Bool("stale",
                "Permit any server (non-leader) to respond to this request. This allows for lower latency and higher " +
                "throughput, but can result in stale data. This option has no effect on non-read operations. " +
                "The default value is false.");
        }
    }

    /// <summary>Adds the client flags, and with <paramref name="serverFlags"/> also <c>-datacenter</c> and <c>-stale</c>.</summary>
    public static HttpFlags AddTo(CliCommand command, bool serverFlags)
    {
        var flags = new HttpFlags(serverFlags);
        Option?[] options = [flags._address, flags._token, flags._tokenFile, flags._datacenter, flags._stale];
        foreach (var option in options.OfType<Option>())
        {
            command.Add(option);
            command.HttpOptions.Add(option);
        }
        return flags;
    }

    public bool IsStale(ParseResult result) => _stale is not null && result.GetValue(_stale);

    /// <summary>
    /// A client for the chosen agent, or null after printing Consul's
    /// "Error connecting to Consul agent: ..." when the address or token file is unusable.
    /// </summary>
    public ApiClient? CreateClient(ParseResult result, CliContext context)
    {
        try
        {
            return new ApiClient(ResolveAddress(result, context), ResolveToken(result, context), _datacenter is null ? null : result.GetValue(_datacenter));
        }
        catch (ApiException ex)
        {
            context.Fail($"Error connecting to Consul agent: {ex.Message}");
            return null;
        }
    }

    private Uri ResolveAddress(ParseResult result, CliContext context)
    {
        var address = NonEmpty(result.GetValue(_address)) ?? Environment(context, "HTTP_ADDR") ?? DefaultAddress;
        var https = GoFlag.ParseBool(Environment(context, "HTTP_SSL") ?? "") == true;
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var scheme = address[..schemeEnd];
            https = scheme switch
            {
                "http" => https,
                "https" => true,
                _ => throw new ApiException($"Unknown protocol scheme: {scheme}"),
            };
            address = address[(schemeEnd + 3)..];
        }
        if (!Uri.TryCreate($"{(https ? "https" : "http")}://{address}", UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new ApiException($"Invalid address: {address}");
        }
        return uri;
    }

    private string? ResolveToken(ParseResult result, CliContext context)
    {
        var tokenFile = NonEmpty(result.GetValue(_tokenFile)) ?? Environment(context, "HTTP_TOKEN_FILE");
        if (tokenFile is not null)
        {
            try
            {
                var fromFile = File.ReadAllText(tokenFile).Trim();
                if (fromFile.Length > 0)
                {
                    return fromFile;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ApiException($"Error loading token file: {ex.Message}");
            }
        }
        return NonEmpty(result.GetValue(_token)) ?? Environment(context, "HTTP_TOKEN");
    }

    private static string? Environment(CliContext context, string suffix) =>
        NonEmpty(context.GetEnvironmentVariable("MESH_" + suffix)) ?? NonEmpty(context.GetEnvironmentVariable("CONSUL_" + suffix));

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
