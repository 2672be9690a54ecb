using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Mesh.Server.Config;

/// <summary>
/// Turns the merged files and flags into an <see cref="AgentConfig"/>: Consul's defaults (and dev
/// mode's), derived values, and the checks Consul's builder makes, each error at the value's source.
/// </summary>
internal static partial class AgentConfigResolver
{
    private static readonly string[] _logLevels = ["TRACE", "DEBUG", "INFO", "WARN", "ERR", "ERROR"];

    /// <param name="persistedNodeId">Reads or creates the node ID kept in a (non-dev) data dir.</param>
    public static AgentConfig Resolve(AgentConfigFile file, bool dev, string hostName, Func<string, string> persistedNodeId, List<string> warnings)
    {
        var server = file.Server?.Value ?? dev;
        var (bootstrap, bootstrapExpect) = ResolveBootstrap(file, dev, server, warnings);
        var dataDir = dev ? null : ResolveDataDir(file.DataDir);
        var bind = Address(file.BindAddr, dev ? AgentDefaults.DevBindAddr : AgentDefaults.BindAddr, "bind_addr");
        var enableScriptChecks = file.EnableScriptChecks?.Value ?? false;

        return new AgentConfig
        {
            Datacenter = ResolveDatacenter(file.Datacenter),
            NodeName = ResolveNodeName(file.NodeName, hostName),
            DataDir = dataDir,
            Server = server,
            Dev = dev,
            Bootstrap = bootstrap,
            BootstrapExpect = bootstrapExpect,
            Join = file.StartJoin ?? [],
            RetryJoin = file.RetryJoin ?? [],
            BindAddr = bind,
            AdvertiseAddr = ResolveAdvertise(file.AdvertiseAddr, bind),
            ClientAddr = Address(file.ClientAddr, AgentDefaults.ClientAddr, "client_addr"),
            Addresses = new AgentAddresses
            {
                Http = OptionalAddress(file.Addresses?.Http, "addresses.http"),
                Dns = OptionalAddress(file.Addresses?.Dns, "addresses.dns"),
                Grpc = OptionalAddress(file.Addresses?.Grpc, "addresses.grpc"),
            },
            Ports = ResolvePorts(file.Ports, dev),
            EnableScriptChecks = enableScriptChecks,
            EnableLocalScriptChecks = file.EnableLocalScriptChecks?.Value ?? enableScriptChecks,
            LogLevel = ResolveLogLevel(file.LogLevel, dev),
            LogJson = file.LogJson?.Value ?? false,
            Encrypt = ResolveEncrypt(file.Encrypt),
            NodeMeta = file.NodeMeta ?? [],
            Services = file.Services ?? [],
            Checks = file.Checks ?? [],
            RaftMultiplier = ResolveRaftMultiplier(file.Performance?.RaftMultiplier, dev),
            GossipLan = ResolveGossip(file.GossipLan, dev ? AgentDefaults.DevGossipLan : AgentDefaults.GossipLan),
            ConnectEnabled = file.Connect?.Enabled?.Value ?? dev,
            IntentionDefaultAllow = ResolveIntentionDefault(file.Acl),
            RaftSnapshotThreshold = InRange(file.RaftSnapshotThreshold, AgentDefaults.RaftSnapshotThreshold, "raft_snapshot_threshold", zeroAllowed: false),
            RaftTrailingLogs = InRange(file.RaftTrailingLogs, AgentDefaults.RaftTrailingLogs, "raft_trailing_logs", zeroAllowed: true),
            RaftSnapshotInterval = InRange(file.RaftSnapshotInterval, AgentDefaults.RaftSnapshotInterval, "raft_snapshot_interval", zeroAllowed: false),
            RpcHoldTimeout = InRange(file.Performance?.RpcHoldTimeout, AgentDefaults.RpcHoldTimeout, "performance.rpc_hold_timeout", zeroAllowed: false),
            Autopilot = ResolveAutopilot(file.Autopilot),

            // Consul's defaults: a client leaves on any signal; a server stays in the peer set, as leaving shrinks the quorum.
            LeaveOnTerminate = file.LeaveOnTerminate?.Value ?? !server,
            SkipLeaveOnInterrupt = file.SkipLeaveOnInterrupt?.Value ?? server,
            Domain = ResolveDomain(file.Domain),
            Recursors = [.. (file.Recursors ?? []).Select(ResolveRecursor)],
            Dns = ResolveDns(file.DnsConfig),
            Warnings = warnings,

            // Last, so an invalid config never writes a node-id file (initializers run in order).
            NodeId = ResolveNodeId(file.NodeId, dataDir, persistedNodeId),
        };
    }

    private static ConfigException Error<T>(Located<T>? at, string detail)
        where T : notnull => new(at?.Position, detail);

    private static string ResolveDatacenter(Located<string>? value)
    {
        var datacenter = (value?.Value ?? AgentDefaults.Datacenter).ToLowerInvariant();
        return BasicName().IsMatch(datacenter)
            ? datacenter
            : throw Error(value, $"datacenter can only contain lowercase alphanumeric, - or _ characters. received: \"{datacenter}\"");
    }

    private static string ResolveNodeName(Located<string>? value, string hostName)
    {
        var name = value?.Value ?? hostName;
        return string.IsNullOrWhiteSpace(name) ? throw Error(value, "node_name cannot be empty") : name;
    }

    private static string ResolveDataDir(Located<string>? value)
    {
        var dir = value?.Value;
        if (string.IsNullOrEmpty(dir))
        {
            throw Error(value, "data_dir cannot be empty (it is only optional with -dev)");
        }

        return File.Exists(dir) ? throw Error(value, $"data_dir \"{dir}\" is not a directory") : dir;
    }

    private static string ResolveNodeId(Located<string>? value, string? dataDir, Func<string, string> persistedNodeId)
    {
        if (value is { } configured)
        {
            return Guid.TryParse(configured.Value, out var id)
                ? id.ToString("D")
                : throw Error(value, $"node_id must be a UUID, got \"{configured.Value}\"");
        }

        return dataDir is null ? Guid.NewGuid().ToString("D") : persistedNodeId(dataDir);
    }

    private static (bool Bootstrap, int Expect) ResolveBootstrap(AgentConfigFile file, bool dev, bool server, List<string> warnings)
    {
        var expect = file.BootstrapExpect?.Value ?? 0;
        var bootstrap = file.Bootstrap?.Value ?? false;
        if (expect < 0)
        {
            throw Error(file.BootstrapExpect, $"bootstrap_expect cannot be {expect}. Must be greater than or equal to zero");
        }

        if (expect > 0 && dev)
        {
            throw Error(file.BootstrapExpect, "'bootstrap_expect > 0' not allowed in dev mode");
        }

        if (expect > 0 && !server)
        {
            throw Error(file.BootstrapExpect, "'bootstrap_expect > 0' requires 'server = true'");
        }

        if (bootstrap && !server)
        {
            throw Error(file.Bootstrap, "'bootstrap = true' requires 'server = true'");
        }

        if (expect > 0 && bootstrap)
        {
            throw Error(file.BootstrapExpect, "'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive");
        }

        if (expect == 1)
        {
            warnings.Add("bootstrap_expect = 1 is the same as bootstrap = true");
            return (true, 0);
        }

        return (server && (bootstrap || dev), expect);
    }

    private static string ResolveAdvertise(Located<string>? value, string bind)
    {
        if (value is null)
        {
            return bind switch
            {
                "0.0.0.0" => AgentDefaults.AnyBindAdvertiseAddr,
                "::" => "::1",
                _ => bind,
            };
        }

        var advertise = Address(value, "", "advertise_addr");
        var ip = IPAddress.Parse(advertise);
        return ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)
            ? throw Error(value, "advertise_addr cannot be 0.0.0.0, :: or [::]")
            : advertise;
    }

    private static string? OptionalAddress(Located<string>? value, string key) =>
        value is null ? null : Address(value, "", key);

    private static string Address(Located<string>? value, string fallback, string key)
    {
        var address = value?.Value ?? fallback;
        var isIp = IPAddress.TryParse(address, out var ip)
            && (ip.AddressFamily == AddressFamily.InterNetworkV6 || address.Count(c => c == '.') == 3);
        return isIp ? address : throw Error(value, $"{key} must be an IP address, got \"{address}\"");
    }

    private static bool ResolveIntentionDefault(AclSection? acl)
    {
        var policy = acl?.DefaultPolicy?.Value ?? "allow";
        if (policy is not ("allow" or "deny"))
        {
            throw Error(acl!.DefaultPolicy, $"acl.default_policy must be \"allow\" or \"deny\", got \"{policy}\"");
        }
        return acl?.Enabled?.Value != true || policy == "allow";
    }

    // Consul serves gRPC (the proxies' configuration) on 8502 in dev mode only; elsewhere ports.grpc turns it on.
    private static AgentPorts ResolvePorts(PortsSection? ports, bool dev)
    {
        var defaults = new AgentPorts();
        var resolved = new AgentPorts
        {
            Http = Port(ports?.Http, defaults.Http, "ports.http"),
            Dns = Port(ports?.Dns, defaults.Dns, "ports.dns"),
            Server = Port(ports?.Server, defaults.Server, "ports.server"),
            SerfLan = Port(ports?.SerfLan, defaults.SerfLan, "ports.serf_lan"),
            Grpc = Port(ports?.Grpc, dev ? defaults.Grpc : -1, "ports.grpc"),
            SidecarMinPort = Port(ports?.SidecarMinPort, defaults.SidecarMinPort, "ports.sidecar_min_port"),
            SidecarMaxPort = Port(ports?.SidecarMaxPort, defaults.SidecarMaxPort, "ports.sidecar_max_port"),
        };
        return resolved.SidecarMaxPort < resolved.SidecarMinPort
            ? throw Error(ports?.SidecarMinPort ?? ports?.SidecarMaxPort, "sidecar_min_port must be less than sidecar_max_port")
            : resolved;
    }

    private static int Port(Located<int>? value, int fallback, string key)
    {
        var port = value?.Value ?? fallback;
        return port is >= -1 and <= 65535
            ? port
            : throw Error(value, $"{key} must be a port (0-65535, or -1 to disable), got {port}");
    }

    private static string ResolveLogLevel(Located<string>? value, bool dev)
    {
        var level = (value?.Value ?? (dev ? AgentDefaults.DevLogLevel : AgentDefaults.LogLevel)).ToUpperInvariant();
        return _logLevels.Contains(level)
            ? level
            : throw Error(value, $"invalid log level \"{value?.Value}\"; valid levels are {string.Join(", ", _logLevels)}");
    }

    private static string? ResolveEncrypt(Located<string>? value)
    {
        if (value is not { } key)
        {
            return null;
        }

        var buffer = new byte[key.Value.Length];
        return Convert.TryFromBase64String(key.Value, buffer, out var length) && length is 16 or 24 or 32
            ? key.Value
            : throw Error(value, "encrypt has invalid key: it must be the base64 of 16, 24 or 32 bytes (mesh keygen)");
    }

    private static int ResolveRaftMultiplier(Located<int>? value, bool dev)
    {
        var multiplier = value?.Value ?? (dev ? AgentDefaults.DevRaftMultiplier : AgentDefaults.RaftMultiplier);
        return multiplier is >= 1 and <= AgentDefaults.MaxRaftMultiplier
            ? multiplier
            : throw Error(value, $"performance.raft_multiplier cannot be {multiplier}. Must be between 1 and {AgentDefaults.MaxRaftMultiplier}");
    }

    private static GossipLanConfig ResolveGossip(GossipLanSection? gossip, GossipLanConfig defaults) => new()
    {
        GossipInterval = Positive(gossip?.GossipInterval, defaults.GossipInterval, "gossip_interval"),
        GossipNodes = Positive(gossip?.GossipNodes, defaults.GossipNodes, "gossip_nodes"),
        ProbeInterval = Positive(gossip?.ProbeInterval, defaults.ProbeInterval, "probe_interval"),
        ProbeTimeout = Positive(gossip?.ProbeTimeout, defaults.ProbeTimeout, "probe_timeout"),
        SuspicionMult = Positive(gossip?.SuspicionMult, defaults.SuspicionMult, "suspicion_mult"),
        RetransmitMult = Positive(gossip?.RetransmitMult, defaults.RetransmitMult, "retransmit_mult"),
        IndirectChecks = defaults.IndirectChecks,
        PushPullInterval = defaults.PushPullInterval,
    };

    private static T Positive<T>(Located<T>? value, T fallback, string key)
        where T : struct, IComparable<T>
    {
        var resolved = value?.Value ?? fallback;
        return resolved.CompareTo(default) > 0 ? resolved : throw Error(value, $"gossip_lan.{key} must be greater than zero");
    }

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex BasicName();
}
