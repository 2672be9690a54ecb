using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Connect.Proxy;
using Mesh.Sidecar.Cli;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Sidecar.Config;

/// <summary>
/// Holds the agent's proxy configuration stream open and applies each snapshot. While the agent is unreachable
/// the proxy keeps serving its last snapshot; it reconnects with jittered exponential back-off.
/// </summary>
public sealed partial class ProxyConfigWatcher(
    SidecarOptions options, ProxyStateHolder holder, TimeProvider time, ILogger<ProxyConfigWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var channel = GrpcChannel.ForAddress(options.GrpcAddress);
        var invoker = channel.CreateCallInvoker();
        var request = new ProxyWatchRequest(options.ProxyId, options.SidecarFor);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var call = invoker.AsyncServerStreamingCall(ProxyConfigMethods.Watch, null, new CallOptions(cancellationToken: stoppingToken), request);
                while (await call.ResponseStream.MoveNext(stoppingToken))
                {
                    Apply(call.ResponseStream.Current);
                    failures = 0;
                }
                LogStreamEnded(logger, options.GrpcAddress);
            }
            catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
            {
                LogStreamFailed(logger, options.GrpcAddress, e.StatusCode.ToString(), e.Status.Detail);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !stoppingToken.IsCancellationRequested)
            {
                LogStreamFailed(logger, options.GrpcAddress, e.GetType().Name, e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            failures++;
            await Task.Delay(Backoff(failures), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Apply(ProxySnapshot snapshot)
    {
        try
        {
            var state = holder.Apply(snapshot);
            LogApplied(logger, snapshot.Version, snapshot.ProxyId, state.Routes.Count, snapshot.Intentions.Count);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            // A snapshot this proxy cannot use must not take down the one it serves.
            LogRejected(logger, snapshot.Version, e.Message);
        }
    }

    /// <summary>Doubles from <see cref="MinBackoff"/> to <see cref="MaxBackoff"/>, then draws in [half, whole] so proxies spread out.</summary>
    private static TimeSpan Backoff(int failures)
    {
        var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied proxy configuration {Version} for {ProxyId}: {Upstreams} upstreams, {Intentions} intentions")]
    private static partial void LogApplied(ILogger logger, ulong version, string proxyId, int upstreams, int intentions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy configuration {Version} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, ulong version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy configuration stream from {Address} failed ({Status}: {Detail}); serving the last configuration and reconnecting")]
    private static partial void LogStreamFailed(ILogger logger, Uri address, string status, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy configuration stream from {Address} ended; reconnecting")]
    private static partial void LogStreamEnded(ILogger logger, Uri address);
}
