using Mesh.Server.Checks;
using Mesh.Server.Agent.Membership;
using Mesh.Server.Gossip;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent;

/// <summary>
/// The agent's own services and checks: registered from config files and /v1/agent, checked by the
/// <see cref="CheckRunner"/>, and written to the catalog through <see cref="IStateWriter"/>.
/// </summary>
public sealed partial class LocalAgent : ILocalAgent, ICheckNotifier, IAsyncDisposable
{
    /// <summary>Consul's node health check, owned by the gossip layer and reconciled by the leader.</summary>
    public const string SerfCheckId = "serfHealth";

    private readonly LocalAgentOptions _options;
    private readonly IStateWriter _writer;
    private readonly ILogger<LocalAgent> _logger;
    private readonly CheckRunner _runner;
    private readonly Lock _gate = new();
    // Registrations are applied one at a time so that the catalog sees them in the agent's order.
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly Dictionary<string, CatalogService> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalCheck> _checks = new(StringComparer.Ordinal);
    private readonly Action _shutdown;
    private readonly CheckUpdateQueue _checkUpdates;
    private readonly IStateReader _reader;
    private readonly IAgentMembership _membership;

    public LocalAgent(
        LocalAgentOptions options,
        IStateWriter writer,
        IStateReader reader,
        IAgentMembership membership,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        Action shutdown)
    {
        _options = options;
        _writer = writer;
        _reader = reader;
        _membership = membership;
        _shutdown = shutdown;
        _logger = loggerFactory.CreateLogger<LocalAgent>();
        _checkUpdates = new CheckUpdateQueue(writer, _logger);
        _runner = new CheckRunner(timeProvider, loggerFactory, this, new CheckRunnerOptions(), OnCriticalTooLong);
    }

    public string NodeName => _options.NodeName;
    public string NodeId => _options.NodeId;
    public string Datacenter => _options.Datacenter;
    public string Address => _options.Address;
    public bool IsServer => _options.IsServer;
    public IReadOnlyDictionary<string, object?> SelfConfig => _options.SelfConfig;

    public IReadOnlyList<CatalogService> Services()
    {
        lock (_gate)
        {
            return [.. _services.Values.OrderBy(s => s.ID, StringComparer.Ordinal)];
        }
    }

    public CatalogService? Service(string id)
    {
        lock (_gate)
        {
            return _services.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<CatalogCheck> Checks()
    {
        lock (_gate)
        {
            return [.. _checks.Values.Select(c => c.Check).OrderBy(c => c.CheckID, StringComparer.Ordinal)];
        }
    }

    public IReadOnlyList<GossipMember> Members() => _membership.Members();

    public Task<int> JoinAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken = default) =>
        _membership.JoinAsync(addresses, cancellationToken);

    public Task ForceLeaveAsync(string node, CancellationToken cancellationToken = default) =>
        _membership.ForceLeaveAsync(node, cancellationToken);

    public Task<KeyringResponse> KeyringAsync(KeyringOperation operation, string? key, int relayFactor, CancellationToken cancellationToken = default) =>
        _membership.KeyringAsync(operation, key, relayFactor, cancellationToken);

    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        _logger.LogInformation("Graceful leave requested");
        await _membership.LeaveAsync(cancellationToken).ConfigureAwait(false);
        await _runner.DisposeAsync().ConfigureAwait(false);
        _shutdown();
    }

    public async ValueTask DisposeAsync()
    {
        await _runner.DisposeAsync().ConfigureAwait(false);
        await _checkUpdates.DisposeAsync().ConfigureAwait(false);
        _writes.Dispose();
    }

    /// <summary>A local check with what the agent needs beyond its catalog record.</summary>
    private sealed record LocalCheck(CatalogCheck Check, bool IsTtl, string? AliasService);
}
