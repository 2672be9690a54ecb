using System.Net.Security;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Mesh.Server.Checks;

/// <summary>
/// The standard grpc.health.v1 Health/Check call to <c>grpc = "host:port[/service]"</c>: passing when the answer is
/// SERVING, critical for any other answer or error. Plain h2c unless <c>grpc_use_tls</c>.
/// </summary>
internal sealed class GrpcProbe : ICheckProbe, IDisposable
{
    private readonly CheckSettings _settings;
    private readonly string _target;
    private readonly string _server;
    private readonly HealthCheckRequest _request;
    private GrpcChannel? _channel;

    public GrpcProbe(CheckSettings settings)
    {
        _settings = settings;
        _target = settings.Definition.GRPC!;
        var slash = _target.IndexOf('/', StringComparison.Ordinal);
        _server = slash < 0 ? _target : _target[..slash];
        _request = new HealthCheckRequest { Service = slash < 0 ? "" : _target[(slash + 1)..] };
    }

    public async Task<CheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            _channel ??= CreateChannel();
        }
        catch (UriFormatException ex)
        {
            return CheckResult.Critical($"gRPC {_target}: {ex.Message}");
        }

        try
        {
            var client = new Health.HealthClient(_channel);
            var response = await client.CheckAsync(_request, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? CheckResult.Passing($"gRPC check {_target}: success")
                : CheckResult.Critical($"gRPC {_target} serving status: {StatusName(response.Status)}");
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is RpcException or OperationCanceledException)
        {
            return CheckResult.Critical("rpc error: code = DeadlineExceeded desc = context deadline exceeded");
        }
        catch (RpcException ex)
        {
            return CheckResult.Critical($"rpc error: code = {ex.StatusCode} desc = {ex.Status.Detail}");
        }
    }

    public void Dispose() => _channel?.Dispose();

    private GrpcChannel CreateChannel()
    {
        var definition = _settings.Definition;
        var handler = new SocketsHttpHandler();
        if (definition.GRPCUseTLS && (definition.TLSSkipVerify || !string.IsNullOrEmpty(definition.TLSServerName)))
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = string.IsNullOrEmpty(definition.TLSServerName) ? null : definition.TLSServerName,
                RemoteCertificateValidationCallback = definition.TLSSkipVerify ? (_, _, _, _) => true : null,
            };
        }
        var scheme = definition.GRPCUseTLS ? "https" : "http";
        return GrpcChannel.ForAddress(new Uri($"{scheme}://{_server}"), new GrpcChannelOptions { HttpHandler = handler });
    }

    /// <summary>The proto enum names, as Go prints them.</summary>
    private static string StatusName(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        _ => "UNKNOWN",
    };
}
