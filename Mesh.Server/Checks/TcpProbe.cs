using System.Net.Sockets;

namespace Mesh.Server.Checks;

/// <summary>Passing when a TCP connection to <c>tcp = "host:port"</c> opens, critical otherwise.</summary>
internal sealed class TcpProbe(CheckSettings settings) : ICheckProbe
{
    private readonly string _address = settings.Definition.TCP!;

    public async Task<CheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!HostPort.TryParse(_address, out var host, out var port))
        {
            return CheckResult.Critical($"dial tcp: address {_address}: missing port in address");
        }

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Critical($"dial tcp {_address}: i/o timeout");
        }
        catch (SocketException ex)
        {
            return CheckResult.Critical(GoFormat.DialError(_address, ex));
        }
        return CheckResult.Passing($"TCP connect {_address}: Success");
    }
}
