using System.Net;
using System.Net.Sockets;
using Mesh.Server.Agent;
using Mesh.Server.Config;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Dns;

/// <summary>
/// The agent's DNS interface (Consul's port 8600): UDP and TCP on each DNS address. Sockets are bound in
/// <see cref="StartAsync"/>, so a port in use fails the agent's start as the HTTP port does.
/// </summary>
internal sealed partial class DnsServer(AgentConfig config, DnsHandler handler, ILogger<DnsServer> logger) : IHostedService, IDisposable
{
    // Beyond this many UDP queries in flight new ones are dropped, as a full socket buffer would drop them.
    private const int MaxUdpInFlight = 4096;
    // A TCP client that sends nothing for this long is disconnected.
    private static readonly TimeSpan TcpIdleTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _udp = [];
    private readonly List<TcpListener> _tcp = [];
    private readonly List<Task> _loops = [];
    private int _udpInFlight;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var address in AgentRunner.ListenAddresses(config.DnsAddress))
        {
            var endpoint = new IPEndPoint(address, config.Ports.Dns);
            var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            _udp.Add(udp);
            udp.Bind(endpoint);
            var tcp = new TcpListener(endpoint);
            _tcp.Add(tcp);
            tcp.Start(backlog: 512);
            _loops.Add(ReceiveUdpAsync(udp, _stopping.Token));
            _loops.Add(AcceptTcpAsync(tcp, _stopping.Token));
            LogListening(endpoint);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _udp)
        {
            socket.Close();
        }
        foreach (var listener in _tcp)
        {
            listener.Stop();
        }
        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var socket in _udp)
        {
            socket.Dispose();
        }
        foreach (var listener in _tcp)
        {
            listener.Dispose();
        }
        _stopping.Dispose();
    }

    private async Task ReceiveUdpAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[DnsLimits.MaxMessageSize];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP "port unreachable" from a client that went away surfaces here; the socket is still good.
                continue;
            }
            if (Interlocked.Increment(ref _udpInFlight) > MaxUdpInFlight)
            {
                Interlocked.Decrement(ref _udpInFlight);
                continue;
            }
            // Each query is answered on its own, so a slow read (a server over RPC) holds up no other query.
            _ = AnswerUdpAsync(socket, buffer[..received.ReceivedBytes], received.RemoteEndPoint, cancellationToken);
        }
    }

    private async Task AnswerUdpAsync(Socket socket, byte[] packet, EndPoint client, CancellationToken cancellationToken)
    {
        try
        {
            if (await handler.AnswerAsync(packet, udp: true, cancellationToken).ConfigureAwait(false) is { } reply)
            {
                await socket.SendToAsync(reply, SocketFlags.None, client, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogAnswerFailed(ex, client.ToString() ?? "");
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The agent is stopping.
        }
        finally
        {
            Interlocked.Decrement(ref _udpInFlight);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "dns: listening on {Endpoint} (udp, tcp)")]
    private partial void LogListening(IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dns: answering {Client} failed")]
    private partial void LogAnswerFailed(Exception exception, string client);
}
