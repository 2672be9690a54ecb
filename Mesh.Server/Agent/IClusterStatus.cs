namespace Mesh.Server.Agent;

/// <summary>What the API says about leadership (X-Consul-KnownLeader, X-Consul-LastContact, /v1/status/*).</summary>
public interface IClusterStatus
{
    /// <summary>The leader's server RPC address ("127.0.0.1:8300"), or "" when there is none.</summary>
    string Leader { get; }

    /// <summary>The voting servers' RPC addresses.</summary>
    IReadOnlyList<string> Peers { get; }

    bool KnownLeader { get; }

    /// <summary>Time since the leader was last heard from; zero on the leader.</summary>
    TimeSpan LastContact { get; }

    /// <summary>The leader as /v1/status/leader reports it: a server knows it, a client agent asks a server.</summary>
    Task<string> LeaderAsync(CancellationToken cancellationToken = default) => Task.FromResult(Leader);

    /// <summary>The voters as /v1/status/peers reports them: a server knows them, a client agent asks a server.</summary>
    Task<IReadOnlyList<string>> PeersAsync(CancellationToken cancellationToken = default) => Task.FromResult(Peers);
}
