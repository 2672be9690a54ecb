using Mesh.Sidecar.Cli;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Inbound;
using Mesh.Sidecar.Listeners;
using Mesh.Sidecar.Outbound;
using Mesh.Sidecar.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mesh.Sidecar;

/// <summary>
/// Composes the sidecar: the configuration stream, the listeners it drives, and the admin listener (health and
/// readiness on loopback) with the service defaults' OpenTelemetry.
/// </summary>
public static class SidecarHost
{
    public static WebApplication Build(SidecarOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.AddServiceDefaults(instrumentHttp: false);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        // The proxy's own lines only: the forwarder (YARP) and the exporter's retries (Polly) log every request.
        var libraries = options.LogLevel == LogLevel.Trace ? LogLevel.Trace : LogLevel.Warning;
        foreach (var library in new[] { "Microsoft", "Grpc", "Yarp", "Polly", "System.Net.Http" })
        {
            builder.Logging.AddFilter(library, libraries);
        }
        // An unready proxy is reported by /ready; the health check service would log it as an error at every probe.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(options.AdminBind));
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(ProxyTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(ProxyTelemetry.Name));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<ProxyStateHolder>();
        builder.Services.AddSingleton<ProxyReadiness>();
        builder.Services.AddSingleton<InboundTls>();
        builder.Services.AddSingleton<LocalAppInvoker>();
        builder.Services.AddSingleton<InboundHandler>();
        builder.Services.AddSingleton<OutboundHandler>();
        builder.Services.AddSingleton<InboundRelay>();
        builder.Services.AddSingleton<OutboundRelay>();
        builder.Services.AddHostedService<ProxyConfigWatcher>();
        builder.Services.AddHostedService<ListenerReconciler>();
        builder.Services.AddHealthChecks().AddCheck<ProxyReadiness>("proxy", tags: [ProxyReadiness.Tag]);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ProxyReadiness.Tag) });
        return app;
    }
}
