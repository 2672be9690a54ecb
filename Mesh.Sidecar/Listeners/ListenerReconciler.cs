using System.Net;
using System.Net.Sockets;
using Mesh.Connect.Proxy;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Inbound;
using Mesh.Sidecar.Outbound;
using Mesh.Sidecar.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Sidecar.Listeners;

/// <summary>
/// Keeps the running listeners equal to what the current state asks for: the public mTLS listener and one plain
/// listener per upstream, each HTTP (Kestrel) or, for a tcp service, an L4 relay. Only a listener whose address,
/// role or protocol changed is replaced; everything else (instances, certificates, intentions) is read per request,
/// connection or handshake from the state, and every listener is told of the new state to revisit open connections.
/// </summary>
public sealed partial class ListenerReconciler(
    ProxyStateHolder holder,
    InboundTls inboundTls,
    InboundHandler inbound,
    OutboundHandler outbound,
    InboundRelay inboundRelay,
    OutboundRelay outboundRelay,
    ProxyReadiness readiness,
    TimeProvider time,
    ILogger<ListenerReconciler> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, IProxyListener> _listeners = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var failed = false;
            while (true)
            {
                var changed = holder.Changes.WaitToReadAsync(stoppingToken).AsTask();
                if (failed)
                {
                    // A listener that could not bind (its port still held) is tried again even without a new snapshot.
                    await Task.WhenAny(changed, Task.Delay(RetryDelay, time, stoppingToken));
                }
                else
                {
                    await changed;
                }
                stoppingToken.ThrowIfCancellationRequested();
                holder.Changes.TryRead(out _);
                failed = !await ReconcileAsync(holder.Current!, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            await Task.WhenAll(_listeners.Values.Select(l => l.DisposeAsync().AsTask()));
            _listeners.Clear();
        }
    }

    private async Task<bool> ReconcileAsync(ProxyState state, CancellationToken cancellationToken)
    {
        var wanted = Wanted(state).ToDictionary(w => w.Name);
        var stale = _listeners.Where(l => !wanted.TryGetValue(l.Key, out var want) || want.Key != l.Value.Key).ToList();
        foreach (var (name, _) in stale)
        {
            _listeners.Remove(name);
        }
        // Removed first, so that a port moving from one role to another is free when its new listener binds.
        await Task.WhenAll(stale.Select(l => l.Value.DisposeAsync().AsTask()));
        var ok = true;
        foreach (var (name, want) in wanted)
        {
            if (_listeners.TryGetValue(name, out var running))
            {
                running.Apply(state);
                continue;
            }
            try
            {
                var endpoint = new IPEndPoint(await AddressAsync(want.Address, want.Unspecified, cancellationToken), want.Port);
                _listeners[name] = await want.Start(endpoint, cancellationToken);
                LogListening(logger, want.Key, endpoint);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                ok = false;
                LogBindFailed(logger, want.Key, name, e.Message);
            }
        }
        if (ok)
        {
            readiness.Ready();
        }
        else
        {
            readiness.NotReady("a listener could not bind");
        }
        return ok;
    }

    private IEnumerable<WantedListener> Wanted(ProxyState state)
    {
        var snapshot = state.Snapshot;
        var publicKey = ProxyProtocols.IsHttp(snapshot.Protocol) ? "public" : "public:tcp";
        yield return new WantedListener(
            snapshot.Public.Address,
            IPAddress.Any,
            snapshot.Public.Port,
            publicKey,
            ProxyProtocols.IsHttp(snapshot.Protocol)
                ? (endpoint, token) => HttpAsync(endpoint, publicKey, ProxyTelemetry.Inbound, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(inboundTls.Handshake);
                    PeerIdentityFeature.Use(listen);
                }, inbound.HandleAsync, token)
                : (endpoint, _) => Tcp(endpoint, publicKey, ProxyTelemetry.Inbound, inboundRelay.HandleAsync, InboundRelay.StillAllowed));
        foreach (var (port, route) in state.Routes)
        {
            var http = ProxyProtocols.IsHttp(route.Upstream.Protocol);
            var key = http ? $"upstream:{port}" : $"upstream:{port}:tcp";
            yield return new WantedListener(
                route.Upstream.LocalBindAddress,
                IPAddress.Loopback,
                port,
                key,
                http
                    ? (endpoint, token) => HttpAsync(endpoint, key, ProxyTelemetry.Outbound, listen => listen.Protocols = HttpProtocols.Http1,
                        context => outbound.HandleAsync(context, port), token)
                    : (endpoint, _) => Tcp(endpoint, key, ProxyTelemetry.Outbound, connection => outboundRelay.HandleAsync(connection, port), null));
        }
    }

    private static async Task<IProxyListener> HttpAsync(
        IPEndPoint endpoint, string key, string direction, Action<ListenOptions> configure, RequestDelegate handler, CancellationToken cancellationToken) =>
        await ProxyListener.StartAsync(endpoint, key, direction, configure, handler, cancellationToken);

    private Task<IProxyListener> Tcp(
        IPEndPoint endpoint, string key, string direction, Func<TcpConnection, Task> handler, Func<TcpConnection, ProxyState, bool>? stillAllowed) =>
        Task.FromResult<IProxyListener>(TcpRelayListener.Start(endpoint, key, direction, handler, stillAllowed, logger));

    /// <summary>An address as registered: empty means <paramref name="unspecified"/>; a host name is resolved.</summary>
    private static async Task<IPAddress> AddressAsync(string address, IPAddress unspecified, CancellationToken cancellationToken)
    {
        if (address.Length == 0)
        {
            return unspecified;
        }
        if (IPAddress.TryParse(address, out var parsed))
        {
            return parsed;
        }
        var resolved = await Dns.GetHostAddressesAsync(address, AddressFamily.InterNetwork, cancellationToken);
        return resolved.Length > 0 ? resolved[0] : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <param name="Unspecified">The address an empty <paramref name="Address"/> stands for.</param>
    private sealed record WantedListener(
        string Address, IPAddress Unspecified, int Port, string Key, Func<IPEndPoint, CancellationToken, Task<IProxyListener>> Start)
    {
        /// <summary>Where it listens, as registered; a listener is replaced only when this or its role changes.</summary>
        public string Name => $"{(Address.Length == 0 ? Unspecified.ToString() : Address)}:{Port}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for {Listener} on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string listener, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot listen for {Listener} on {Address}: {Reason}; retrying")]
    private static partial void LogBindFailed(ILogger logger, string listener, string address, string reason);
}
