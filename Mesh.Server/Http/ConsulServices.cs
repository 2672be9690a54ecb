using System.Diagnostics.Metrics;
using Mesh.Server.Agent;
using Mesh.Server.Agent.Events;
using Mesh.Server.Cluster;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Server.Http;

/// <summary>
/// The API's dependencies. The agent-side ones are resolved from DI on first use (all singletons), so that mapping
/// the endpoints does not force the agent to be built, and requests do not pay for a lookup each.
/// </summary>
internal sealed class ConsulServices(IServiceProvider provider)
{
    private IStateReader? _reader;
    private IStateWriter? _writer;
    private ILocalAgent? _agent;
    private IClusterStatus? _cluster;
    private IRaftOperator? _operator;
    private UserEventLog? _events;

    public IStateReader Reader => _reader ??= provider.GetRequiredService<IStateReader>();

    public IStateWriter Writer => _writer ??= provider.GetRequiredService<IStateWriter>();

    public ILocalAgent Agent => _agent ??= provider.GetRequiredService<ILocalAgent>();

    public IClusterStatus Cluster => _cluster ??= provider.GetRequiredService<IClusterStatus>();

    /// <summary>Raft operations and snapshots (/v1/operator/raft, /v1/snapshot).</summary>
    public IRaftOperator Operator => _operator ??= provider.GetRequiredService<IRaftOperator>();

    /// <summary>The agent's user events (/v1/event).</summary>
    public UserEventLog Events => _events ??= provider.GetRequiredService<UserEventLog>();

    /// <summary>What a connection no intention matches gets (the agent's acl.default_policy).</summary>
    public bool IntentionDefaultAllow { get; } = provider.GetService<Config.AgentConfig>()?.IntentionDefaultAllow ?? true;

    /// <summary>This server's Raft, for Consul's "raft" stats in /v1/agent/self; null on client agents and in -dev.</summary>
    public Consensus.Hosting.RaftHost? Raft => provider.GetService<ServerConsensus>()?.Host;

    public TimeProvider Time { get; } = provider.GetService<TimeProvider>() ?? TimeProvider.System;

    public ILogger Logger { get; } =
        provider.GetService<ILoggerFactory>()?.CreateLogger("Mesh.Server.Http") ?? NullLogger.Instance;

    public HttpMetrics Metrics { get; } = new(provider.GetService<IMeterFactory>());
}
