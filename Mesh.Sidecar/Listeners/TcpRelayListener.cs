using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Telemetry;
using Microsoft.Extensions.Logging;

namespace Mesh.Sidecar.Listeners;

/// <summary>
/// An L4 listener (a tcp service's public listener or a tcp upstream's): a plain socket accept loop handing each
/// connection to its relay, no HTTP server. Open connections are tracked so that a new state can close those it no
/// longer allows and so that stopping the listener closes them (a byte stream has no request boundary to drain at).
/// </summary>
public sealed partial class TcpRelayListener : IProxyListener
{
    private const int Backlog = 512;

    private readonly Socket _socket;
    private readonly string _direction;
    private readonly Func<TcpConnection, Task> _handler;
    private readonly Func<TcpConnection, ProxyState, bool>? _stillAllowed;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TcpConnection, Task> _open = new();
    private readonly Task _accepting;

    /// <param name="stillAllowed">Whether an open connection may stay open under a new state; null keeps them all.</param>
    private TcpRelayListener(
        Socket socket, string key, string direction, Func<TcpConnection, Task> handler, Func<TcpConnection, ProxyState, bool>? stillAllowed, ILogger logger)
    {
        _socket = socket;
        Key = key;
        _direction = direction;
        _handler = handler;
        _stillAllowed = stillAllowed;
        _logger = logger;
        _accepting = AcceptAsync();
    }

    public string Key { get; }

    public static TcpRelayListener Start(
        IPEndPoint endpoint, string key, string direction, Func<TcpConnection, Task> handler, Func<TcpConnection, ProxyState, bool>? stillAllowed, ILogger logger)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TcpRelayListener(socket, key, direction, handler, stillAllowed, logger);
    }

    public void Apply(ProxyState state)
    {
        if (_stillAllowed is null)
        {
            return;
        }
        foreach (var connection in _open.Keys)
        {
            if (!_stillAllowed(connection, state))
            {
                ProxyTelemetry.Denied.Add(1, new KeyValuePair<string, object?>("direction", _direction));
                LogClosedByState(_logger, Key, connection.Source);
                connection.Abort();
            }
        }
    }

    /// <summary>Stops accepting and closes every open connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _accepting;
        foreach (var connection in _open.Keys)
        {
            connection.Abort();
        }
        await Task.WhenAll(_open.Values);
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
            {
                return;
            }
            catch (SocketException e)
            {
                // One connection that failed before it was accepted (reset in the backlog): the listener goes on.
                LogAcceptFailed(_logger, Key, e.Message);
                continue;
            }
            var connection = new TcpConnection(client);
            var served = new TaskCompletionSource();
            _open[connection] = served.Task;
            _ = ServeAsync(connection, served);
        }
    }

    private async Task ServeAsync(TcpConnection connection, TaskCompletionSource served)
    {
        var tag = new KeyValuePair<string, object?>("direction", _direction);
        ProxyTelemetry.ActiveConnections.Add(1, tag);
        try
        {
            connection.Client.NoDelay = true;
            await _handler(connection);
        }
        catch (Exception e)
        {
            // A peer that went away, a refused handshake, an unreachable app: this connection ends, nothing else.
            LogConnectionFailed(_logger, Key, e.GetType().Name, e.Message);
        }
        finally
        {
            connection.Abort();
            _open.TryRemove(connection, out _);
            ProxyTelemetry.ActiveConnections.Add(-1, tag);
            served.SetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Listener}: connection ended: {Error}: {Reason}")]
    private static partial void LogConnectionFailed(ILogger logger, string listener, string error, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Listener}: accept failed: {Reason}")]
    private static partial void LogAcceptFailed(ILogger logger, string listener, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Listener}: closed a connection from {Source} that intentions no longer allow")]
    private static partial void LogClosedByState(ILogger logger, string listener, string? source);
}
