using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mesh.Bench;

/// <summary>
/// A three-member etcd cluster on free loopback ports, each member fsyncing its WAL as shipped, spoken to through
/// the members' v3 JSON gateways. Fsyncs and commits come from each member's Prometheus /metrics.
/// </summary>
internal sealed class EtcdCluster : IReplicatedCluster, IDatacenter
{
    private const int Members = 3;
    private const string FsyncCount = "etcd_disk_wal_fsync_duration_seconds_count";
    private const string Committed = "etcd_server_proposals_committed_total";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly (string Name, ServerProcess Server, HttpClient Http)[] _members;
    private string _leader = "";

    private EtcdCluster((string Name, ServerProcess Server, HttpClient Http)[] members) => _members = members;

    public string Column => "etcd-cluster";

    public string Header { get; private set; } = "";

    public IKvTarget Leader { get; private set; } = null!;

    public IReadOnlyList<Uri> Servers => [.. LeaderFirst().Select(m => m.Http.BaseAddress!)];

    public IReadOnlyList<int> Pids => [.. LeaderFirst().Select(m => m.Server.Pid)];

    public static async Task<EtcdCluster> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var etcd = EtcdProcess.Executable();
        var urls = Enumerable.Range(1, Members)
            .Select(i => (Name: $"m{i}", Client: $"http://127.0.0.1:{FreePort.Next()}", Peer: $"http://127.0.0.1:{FreePort.Next()}"))
            .ToArray();
        var initialCluster = string.Join(',', urls.Select(u => $"{u.Name}={u.Peer}"));
        var members = new List<(string, ServerProcess, HttpClient)>();
        try
        {
            foreach (var (name, client, peer) in urls)
            {
                var server = ServerProcess.Start($"etcd member {name}", etcd, scratch =>
                [
                    "--name", name,
                    "--data-dir", Path.Combine(scratch.FullName, "data"),
                    "--listen-client-urls", client,
                    "--advertise-client-urls", client,
                    "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initialCluster,
                    "--initial-cluster-state", "new",
                    "--initial-cluster-token", "mesh-bench",
                    "--logger", "zap",
                    "--log-level", "warn",
                ]);
                members.Add((name, server, BenchHttp.Create(new Uri(client), 2, TimeSpan.FromSeconds(2))));
            }
        }
        catch
        {
            await DisposeAsync(members).ConfigureAwait(false);
            throw;
        }
        var cluster = new EtcdCluster([.. members]);
        try
        {
            await cluster.WaitForLeaderAsync(time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return cluster;
    }

    public async Task<IReadOnlyList<SyncSample>> SampleAsync(CancellationToken cancellationToken)
    {
        var samples = new List<SyncSample>();
        foreach (var (name, _, http) in _members)
        {
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            samples.Add(new SyncSample(name, name == _leader, Metric(metrics, FsyncCount), Metric(metrics, Committed)));
        }
        return samples;
    }

    public IKvTarget Target(Uri server, KvRead read) => new EtcdKvTarget(server, serializable: read == KvRead.Stale);

    public async Task<bool> LeaderUnchangedAsync(CancellationToken cancellationToken) =>
        (await StatusAsync(LeaderFirst().First().Http, cancellationToken).ConfigureAwait(false))?.Leads == true;

    public void EnsureRunning()
    {
        foreach (var member in _members)
        {
            member.Server.EnsureRunning();
        }
    }

    public ValueTask DisposeAsync() => new(DisposeAsync(_members));

    /// <summary>Waits until every member is healthy and one of them says it leads; the writes go to that one.</summary>
    private async Task WaitForLeaderAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        await _members[0].Server.WaitReadyAsync(
            async token =>
            {
                EnsureRunning();
                foreach (var (name, _, http) in _members)
                {
                    if (await StatusAsync(http, token).ConfigureAwait(false) is not { } status)
                    {
                        return false;
                    }
                    if (status.Leads)
                    {
                        _leader = name;
                        Leader = new EtcdKvTarget(http.BaseAddress!);
                        Header = $"etcd {status.Version}: {Members} members, fsync";
                        return true;
                    }
                }
                return false;
            },
            StartTimeout,
            time,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the member behind <paramref name="http"/> says it leads, and its version; null if it is not serving.</summary>
    private static async Task<(bool Leads, string Version)?> StatusAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var request = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/v3/maintenance/status", UriKind.Relative), request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var root = answer.RootElement;
        var leads = root.TryGetProperty("leader", out var leader) && root.TryGetProperty("header", out var header)
            && header.GetProperty("member_id").GetString() == leader.GetString();
        return (leads, root.GetProperty("version").GetString() ?? "?");
    }

    private IEnumerable<(string Name, ServerProcess Server, HttpClient Http)> LeaderFirst() => _members.OrderBy(m => m.Name != _leader);

    /// <summary>A counter's or gauge's value in Prometheus text format ("name value" on a line of its own).</summary>
    private static double Metric(string metrics, string name)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal)
                && double.TryParse(line.AsSpan(name.Length + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }
        throw new BenchException($"etcd's /metrics has no {name}");
    }

    private static async Task DisposeAsync(IEnumerable<(string Name, ServerProcess Server, HttpClient Http)> members)
    {
        foreach (var (_, server, http) in members)
        {
            http.Dispose();
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
