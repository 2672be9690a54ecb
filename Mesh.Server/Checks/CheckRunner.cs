using Mesh.Server.Config;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Checks;

/// <summary>
/// Runs the agent's health checks (Consul's agent/checks): HTTP, TCP, gRPC and script checks on their interval,
/// TTL checks set by clients, and the reaper that deregisters services whose checks stay critical for longer than
/// their <c>DeregisterCriticalServiceAfter</c>. Results reach the agent through <see cref="ICheckNotifier"/>.
/// </summary>
public sealed partial class CheckRunner : IAsyncDisposable
{
    private readonly ICheckNotifier _notifier;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CheckRunner> _logger;
    private readonly CheckRunnerOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunningCheck> _checks = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _stopping = [];
    private bool _disposed;

    /// <param name="deregisterService">
    /// Called with a service ID when one of its checks has been critical for longer than its
    /// <c>DeregisterCriticalServiceAfter</c>; the agent deregisters the service (and removes its checks here).
    /// Without it nothing is reaped.
    /// </param>
    public CheckRunner(
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        ICheckNotifier notifier,
        CheckRunnerOptions? options = null,
        Action<string>? deregisterService = null)
    {
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<CheckRunner>();
        _notifier = notifier;
        _options = options ?? new CheckRunnerOptions();
        _deregisterService = deregisterService;
        if (deregisterService is not null)
        {
            _reaper = timeProvider.CreateTimer(_ => ReapCriticalServices(), null, _options.ReapInterval, _options.ReapInterval);
        }
    }

    /// <summary>
    /// Starts running a check, replacing (and stopping) one with the same ID. It starts from the definition's
    /// Status, or critical, with empty output; the notifier hears of it once a result differs from that.
    /// Throws <see cref="ArgumentException"/> with a one-line reason for an invalid definition (see <see cref="Classify"/>).
    /// </summary>
    public void Add(string checkId, CheckDefinition definition)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkId);
        var settings = CheckSettings.Resolve(checkId, definition, _options);
        var state = new CheckState(settings, _notifier, _timeProvider, _logger);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_checks.Remove(checkId, out var replaced))
            {
                Retire(replaced);
            }
            var monitor = CreateMonitor(state);
            _checks[checkId] = new RunningCheck(state, monitor);
            monitor.Start();
        }
    }

    /// <summary>Stops a check; false if there was none with that ID.</summary>
    public bool Remove(string checkId)
    {
        lock (_gate)
        {
            if (!_checks.Remove(checkId, out var check))
            {
                return false;
            }
            Retire(check);
            return true;
        }
    }

    /// <summary>
    /// Sets a TTL check's status and output and renews its TTL (/v1/agent/check/pass|warn|fail|update); output
    /// longer than OutputMaxSize is cut as Consul does. False if no TTL check has that ID. Throws
    /// <see cref="ArgumentException"/> for a status other than passing, warning or critical.
    /// </summary>
    public bool UpdateTtl(string checkId, string status, string output)
    {
        if (!HealthStatus.IsValid(status))
        {
            throw new ArgumentException($"Invalid check status: \"{status}\"");
        }
        TtlMonitor? ttl;
        lock (_gate)
        {
            ttl = _checks.TryGetValue(checkId, out var check) ? check.Monitor as TtlMonitor : null;
        }
        ttl?.SetStatus(status, output ?? "");
        return ttl is not null;
    }

    /// <summary>Stops every check and the reaper, and waits until no check runs anymore.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _reaper?.Dispose();
            foreach (var check in _checks.Values)
            {
                Retire(check);
            }
            _checks.Clear();
            pending = [.. _stopping];
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private ICheckMonitor CreateMonitor(CheckState state)
    {
        var settings = state.Settings;
        if (settings.Type == CheckType.Ttl)
        {
            return new TtlMonitor(state, _timeProvider, _logger);
        }
        ICheckProbe probe = settings.Type switch
        {
            CheckType.Http => new HttpProbe(settings, _logger),
            CheckType.Tcp => new TcpProbe(settings),
            CheckType.Grpc => new GrpcProbe(settings),
            _ => new ScriptProbe(settings, _timeProvider, _logger),
        };
        // Consul staggers the first run randomly over the interval; the cap keeps the first result prompt.
        var staggerCap = Math.Min(settings.Interval.Ticks, _options.MaxInitialStagger.Ticks);
        var stagger = TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * staggerCap));
        return new PeriodicMonitor(state, probe, stagger, _timeProvider, _logger);
    }

    /// <summary>Stops a check that left the table; called under the lock.</summary>
    private void Retire(RunningCheck check)
    {
        check.State.Retire();
        var stopped = check.Monitor.Stop();
        if (stopped.IsCompleted)
        {
            return;
        }
        _stopping.Add(stopped);
        stopped.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _stopping.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private sealed record RunningCheck(CheckState State, ICheckMonitor Monitor);
}
