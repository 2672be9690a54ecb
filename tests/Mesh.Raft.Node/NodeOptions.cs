using System.Globalization;
using Mesh.Server.Consensus;

namespace Mesh.Raft.Node;

/// <summary>A bad command line, reported as one line on stderr.</summary>
internal sealed class NodeArgumentException(string message) : Exception(message);

/// <summary>The command line of one node: who it is, where it keeps its state, where it listens, who its peers are.</summary>
internal sealed record NodeOptions(string Id, string DataDirectory, int RaftPort, int HttpPort, ClusterConfiguration Cluster, RaftOptions Raft)
{
    public const string Usage = """
        usage: Mesh.Raft.Node --id s1 --data-dir DIR --raft-port P --http-port Q --peers s1=127.0.0.1:P,s2=127.0.0.1:P2,s3=127.0.0.1:P3
                              [--snapshot-threshold N] [--trailing-logs M]
          --id                  this server's id; it must be one of --peers
          --data-dir            the Raft log and snapshots; an empty directory bootstraps the cluster given by --peers
          --raft-port           HTTP/2 cleartext port on 127.0.0.1 for Raft traffic; must be this server's port in --peers
          --http-port           HTTP/1.1 port on 127.0.0.1 for the client API
          --peers               every voter of the cluster as id=host:port (Raft ports), this server included
          --snapshot-threshold  applied entries that trigger a snapshot (default 16384)
          --trailing-logs       entries kept behind a snapshot (default 10240)
        """;

    /// <summary>Parses the arguments; <see langword="null"/> means --help was asked for.</summary>
    public static NodeOptions? Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }
            if (name is not ("--id" or "--data-dir" or "--raft-port" or "--http-port" or "--peers" or "--snapshot-threshold" or "--trailing-logs"))
            {
                throw new NodeArgumentException($"unknown option \"{name}\" (--help lists the options)");
            }
            if (++i >= args.Count)
            {
                throw new NodeArgumentException($"{name} needs a value");
            }
            if (!values.TryAdd(name, args[i]))
            {
                throw new NodeArgumentException($"{name} is given twice");
            }
        }

        var id = Required(values, "--id");
        var raftPort = Port("--raft-port", Required(values, "--raft-port"));
        var cluster = Peers(Required(values, "--peers"));
        var self = cluster.Find(id) ?? throw new NodeArgumentException($"--peers does not name this server ({id})");
        if (!self.Address.EndsWith(":" + raftPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw new NodeArgumentException($"--peers gives {id} the address {self.Address}, but --raft-port is {raftPort}");
        }
        var defaults = new RaftOptions();
        var raft = defaults with
        {
            SnapshotThreshold = Count(values, "--snapshot-threshold", 1, defaults.SnapshotThreshold),
            TrailingLogs = Count(values, "--trailing-logs", 0, defaults.TrailingLogs),
        };
        return new NodeOptions(id, Required(values, "--data-dir"), raftPort, Port("--http-port", Required(values, "--http-port")), cluster, raft);
    }

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new NodeArgumentException($"{name} is required (--help lists the options)");

    private static int Port(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new NodeArgumentException($"{name} takes a port from 1 to 65535, not \"{text}\"");

    private static ulong Count(Dictionary<string, string> values, string name, ulong min, ulong fallback)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new NodeArgumentException($"{name} takes a whole number of at least {min}, not \"{text}\"");
    }

    /// <summary>"s1=127.0.0.1:7001,s2=..." as a configuration of voters.</summary>
    private static ClusterConfiguration Peers(string text)
    {
        var members = new List<RaftMember>();
        foreach (var peer in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = peer.Split('=', 2);
            var colon = parts.Length == 2 ? parts[1].LastIndexOf(':') : -1;
            if (parts[0].Length == 0 || colon <= 0)
            {
                throw new NodeArgumentException($"--peers takes id=host:port entries separated by commas, not \"{peer}\"");
            }
            Port("--peers", parts[1][(colon + 1)..]);
            if (members.Exists(m => m.Id == parts[0]))
            {
                throw new NodeArgumentException($"--peers names {parts[0]} twice");
            }
            members.Add(new RaftMember(parts[0], parts[1], MemberRole.Voter));
        }
        return members.Count > 0 ? new ClusterConfiguration(members) : throw new NodeArgumentException("--peers names no server");
    }
}
