namespace Mesh.Server.State;

/// <summary>What a read touched, so that a write wakes only the blocking queries it affects.</summary>
public readonly record struct WatchKey(WatchKind Kind, string Name)
{
    public static WatchKey KvKey(string key) => new(WatchKind.KvKey, key);
    public static WatchKey KvPrefix(string prefix) => new(WatchKind.KvPrefix, prefix);
    public static WatchKey Service(string name) => new(WatchKind.Service, name.ToLowerInvariant());
    public static WatchKey Connect(string service) => new(WatchKind.Connect, service.ToLowerInvariant());
    public static WatchKey Node(string name) => new(WatchKind.Node, name.ToLowerInvariant());
    public static readonly WatchKey Nodes = new(WatchKind.Nodes, "");
    public static readonly WatchKey Services = new(WatchKind.Services, "");
    public static readonly WatchKey Checks = new(WatchKind.Checks, "");
    public static readonly WatchKey Intentions = new(WatchKind.Intentions, "");
    public static readonly WatchKey ConnectCa = new(WatchKind.ConnectCa, "");
    public static readonly WatchKey Sessions = new(WatchKind.Sessions, "");
    public static readonly WatchKey PreparedQueries = new(WatchKind.PreparedQueries, "");
}

public enum WatchKind
{
    /// <summary>One exact KV key.</summary>
    KvKey,
    /// <summary>Every KV key under a prefix.</summary>
    KvPrefix,
    /// <summary>Instances and checks of one service name.</summary>
    Service,
    /// <summary>The sidecars and connect-native instances that accept mesh traffic for one service.</summary>
    Connect,
    /// <summary>One node, its services and checks.</summary>
    Node,
    /// <summary>The set of nodes.</summary>
    Nodes,
    /// <summary>The set of service names and tags.</summary>
    Services,
    /// <summary>Any check.</summary>
    Checks,
    /// <summary>Any intention.</summary>
    Intentions,
    /// <summary>The Connect CA: roots and configuration.</summary>
    ConnectCa,
    /// <summary>Any session: created, destroyed, invalidated or renewed.</summary>
    Sessions,
    /// <summary>Any prepared query: created, updated or deleted.</summary>
    PreparedQueries,
}
