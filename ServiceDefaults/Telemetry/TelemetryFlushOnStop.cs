using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting.Telemetry;

/// <summary>
/// Flushes and shuts down the OpenTelemetry providers once the host has stopped, all three at once and within
/// <see cref="Budget"/>. Left to the container, each provider waits up to 5 s in turn for an exporter that may be
/// sleeping between retries to an unreachable collector: a stopped agent then outlived the orchestrator's stop
/// timeout and was killed. The exporters' threads are background threads, so an unfinished export ends with the process.
/// </summary>
internal sealed class TelemetryFlushOnStop(IServiceProvider services) : IHostedLifecycleService
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var budget = (int)Budget.TotalMilliseconds;
        Action?[] shutdowns =
        [
            services.GetService<TracerProvider>() is { } tracer ? () => tracer.Shutdown(budget) : null,
            services.GetService<MeterProvider>() is { } meter ? () => meter.Shutdown(budget) : null,
            services.GetService<LoggerProvider>() is { } logger ? () => logger.Shutdown(budget) : null,
        ];
        await Task.WhenAll(shutdowns.OfType<Action>().Select(Task.Run)).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
