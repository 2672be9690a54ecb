using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>What a <see cref="GossipAgent"/> needs to start: who it is, where it listens, how it talks.</summary>
public sealed record GossipAgentOptions
{
    /// <summary>The node name; unique in the pool.</summary>
    public required string NodeName { get; init; }

    /// <summary>Where the UDP and TCP listeners bind (Consul's serf_lan bind address).</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>The serf_lan port; 0 picks a free port (tests).</summary>
    public int Port { get; init; } = GossipOptions.DefaultPort;

    /// <summary>The address other members use; required when <see cref="BindAddress"/> is a wildcard.</summary>
    public IPAddress? AdvertiseAddress { get; init; }

    /// <summary>Tags: role, dc, port (server RPC), build, vsn, expect, ...</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Encrypts every packet and stream when set (Consul's <c>encrypt</c>).</summary>
    public GossipKeyring? Keyring { get; init; }

    /// <summary>Where keyring changes made through <see cref="GossipAgent.KeyManager"/> are saved; null keeps them in memory.</summary>
    public string? KeyringFile { get; init; }

    /// <summary>Protocol timing (Consul's <c>gossip_lan</c>).</summary>
    public GossipOptions Protocol { get; init; } = new();

    /// <summary>How long a graceful leave waits for its broadcast to go out (Serf's broadcast timeout).</summary>
    public TimeSpan LeaveTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
