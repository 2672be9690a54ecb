using System.Globalization;

namespace Mesh.Bench;

/// <summary>What one invocation measures, from the command line.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        usage: mesh-bench [--duration 10s] [--watchers 10000] [--rounds 10] [--skip-peer] [--only kv|watch|gossip|raft|datacenter|dns|lock|proxy] [--gossip-rounds 5]
          --duration       how long each KV, Raft, datacenter, DNS and proxy row runs (e.g. 10s, 500ms, 1m; a bare number is seconds)
          --watchers       blocking watchers parked at once in the watch benchmark
          --rounds         writes (and re-arms) in the watch benchmark, holder kills in the lock benchmark
          --skip-peer      measure the mesh only (no etcd, dnsmasq or haproxy)
          --only           run just the KV rows, the watch rows, the gossip rows, the Raft rows, the datacenter rows, the DNS rows, the lock rows or the proxy rows
          --gossip-rounds  kill/join rounds on the 10 real agents, and seeds per pool size in the simulation
        """;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public int Watchers { get; init; } = 10_000;

    public int Rounds { get; init; } = 10;

    public bool SkipPeer { get; init; }

    public bool RunKv { get; init; } = true;

    public bool RunWatch { get; init; } = true;

    public bool RunGossip { get; init; } = true;

    public bool RunRaft { get; init; } = true;

    public bool RunDatacenter { get; init; } = true;

    public bool RunDns { get; init; } = true;

    public bool RunLock { get; init; } = true;

    public bool RunProxy { get; init; } = true;

    public int GossipRounds { get; init; } = 5;

    public bool Help { get; init; }

    /// <summary>Parses the arguments; a bad one is a <see cref="BenchException"/> naming it.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            options = name switch
            {
                "--duration" => options with { Duration = ParseDuration(Value(args, ref i)) },
                // Each watcher holds a loopback ephemeral port (28,000 on Linux by default), and closed ones linger in TIME_WAIT.
                "--watchers" => options with { Watchers = ParseCount(name, Value(args, ref i), 1, 20_000) },
                "--rounds" => options with { Rounds = ParseCount(name, Value(args, ref i), 1, 1_000) },
                "--skip-peer" => options with { SkipPeer = true },
                "--gossip-rounds" => options with { GossipRounds = ParseCount(name, Value(args, ref i), 1, 50) },
                "--only" => Only(options with { RunKv = false, RunWatch = false, RunGossip = false, RunRaft = false, RunDatacenter = false, RunDns = false, RunLock = false, RunProxy = false }, Value(args, ref i)),
                "-h" or "--help" => options with { Help = true },
                _ => throw new BenchException($"unknown option \"{name}\" (--help lists them)"),
            };
        }
        return options;
    }

    private static BenchOptions Only(BenchOptions none, string suite) => suite switch
    {
        "kv" => none with { RunKv = true },
        "watch" => none with { RunWatch = true },
        "gossip" => none with { RunGossip = true },
        "raft" => none with { RunRaft = true },
        "datacenter" => none with { RunDatacenter = true },
        "dns" => none with { RunDns = true },
        "lock" => none with { RunLock = true },
        "proxy" => none with { RunProxy = true },
        _ => throw new BenchException($"--only takes kv, watch, gossip, raft, datacenter, dns, lock or proxy, not \"{suite}\""),
    };

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new BenchException($"{args[i - 1]} needs a value");

    private static int ParseCount(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new BenchException($"{name} takes a whole number from {min} to {max}, not \"{text}\"");

    private static TimeSpan ParseDuration(string text)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], TimeSpan.FromMilliseconds(1))
            : text.EndsWith('s') ? (text[..^1], TimeSpan.FromSeconds(1))
            : text.EndsWith('m') ? (text[..^1], TimeSpan.FromMinutes(1))
            : (text, TimeSpan.FromSeconds(1));
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && value * unit.TotalSeconds is >= 0.2 and <= 3600
            ? value * unit
            : throw new BenchException($"--duration takes a time from 200ms to 1h such as 10s, not \"{text}\"");
    }
}
