using System.Net;
using Microsoft.Extensions.Logging;

namespace Mesh.Sidecar.Cli;

/// <summary>The sidecar's command line, as <c>consul connect proxy</c> takes it.</summary>
/// <param name="AdminBind">The loopback health listener; port 0 when not given, so no default port is ever taken.</param>
public sealed record SidecarOptions(string? SidecarFor, string? ProxyId, Uri GrpcAddress, LogLevel LogLevel, IPEndPoint AdminBind)
{
    public const string GrpcAddressVariable = "CONSUL_GRPC_ADDR";
    private const string DefaultGrpcAddress = "127.0.0.1:8502";

    /// <summary>The options, or the one line that says what is wrong with the arguments.</summary>
    public static (SidecarOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        string? sidecarFor = null, proxyId = null, grpc = null, logLevel = null, adminBind = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg.Trim('-').Length == 0)
            {
                return Fail($"unexpected argument \"{arg}\"");
            }
            var flag = arg.TrimStart('-');
            string? value = null;
            var equals = flag.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = flag[(equals + 1)..];
                flag = flag[..equals];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            if (value is null)
            {
                return Fail($"flag needs an argument: -{flag}");
            }
            switch (flag)
            {
                case "sidecar-for": sidecarFor = value; break;
                case "proxy-id": proxyId = value; break;
                case "grpc-addr": grpc = value; break;
                case "log-level": logLevel = value; break;
                case "admin-bind": adminBind = value; break;
                default: return Fail($"flag provided but not defined: -{flag}");
            }
        }
        if (string.IsNullOrWhiteSpace(sidecarFor) && string.IsNullOrWhiteSpace(proxyId))
        {
            return Fail("one of -sidecar-for or -proxy-id is required");
        }
        var grpcText = grpc ?? environment(GrpcAddressVariable) ?? DefaultGrpcAddress;
        if (ParseGrpcAddress(grpcText) is not { } grpcAddress)
        {
            return Fail($"invalid -grpc-addr \"{grpcText}\": want host:port or http://host:port");
        }
        if (ParseLogLevel(logLevel ?? "info") is not { } level)
        {
            return Fail($"invalid -log-level \"{logLevel}\": want trace, debug, info, warn or err");
        }
        var admin = new IPEndPoint(IPAddress.Loopback, 0);
        if (adminBind is not null && !IPEndPoint.TryParse(adminBind, out admin))
        {
            return Fail($"invalid -admin-bind \"{adminBind}\": want ip:port");
        }
        return (new SidecarOptions(NullIfBlank(sidecarFor), NullIfBlank(proxyId), grpcAddress, level, admin), null);
    }

    private static (SidecarOptions?, string?) Fail(string error) => (null, error);

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    // Consul's gRPC address is host:port, optionally with a scheme; the agent's gRPC port is cleartext HTTP/2.
    private static Uri? ParseGrpcAddress(string text)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        return Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && !uri.IsDefaultPort
            && uri.AbsolutePath == "/"
            ? uri
            : null;
    }

    private static LogLevel? ParseLogLevel(string text) => text.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "err" or "error" => LogLevel.Error,
        _ => null,
    };
}
