using System.Net;
using System.Text;
using System.Text.Json;
using Mesh.Server.Cluster;
using Mesh.Server.Consensus;
using Mesh.Server.Tests.Cluster;
using Mesh.Server.Tests.Http;

namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh snapshot save | restore | inspect</c> against a dev agent in this process, with Consul's output.</summary>
public sealed class SnapshotCommandTests : IAsyncLifetime
{
    // A state.bin whose records have known sizes: a KV entry of 28 bytes, a node of 13, an index of 7, a tombstone of 8.
    private const string KnownState =
        """{"Index":7,"Indexes":{"kvs":7},"Kv":[{"Key":"a/b/c","Value":null}],"Tombstones":{"gone":5},"Nodes":[{"Node":"n1"}],"Services":[],"Checks":[]}""";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mesh-snapshots-");
    private DevAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await DevAgent.StartAsync();

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    private string FilePath(string name) => Path.Combine(_directory.FullName, name);

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(args, _agent.CliEnvironment);

    [Fact]
    public async Task Save_then_restore_brings_the_data_back()
    {
        Assert.Equal(0, (await RunAsync("kv", "put", "app/config", "v1")).ExitCode);
        var file = FilePath("backup.snap");

        using var written = await _agent.Http.GetAsync("/v1/kv/app/config");

        var saved = await RunAsync("snapshot", "save", file);

        // The index the CLI reports is the one the file holds, which includes the write.
        await using (var archive = File.OpenRead(file))
        {
            var index = SnapshotArchive.Read(archive).Meta.Index;
            Assert.Equal(new CliResult(0, $"Saved and verified snapshot to index {index}\n", ""), saved);
            Assert.True(index >= TestApi.IndexOf(written));
        }
        Assert.False(File.Exists(file + ".unverified"));
        Assert.Equal(0, (await RunAsync("kv", "put", "app/config", "v2")).ExitCode);

        var restored = await RunAsync("snapshot", "restore", file);

        Assert.Equal(new CliResult(0, "Restored snapshot\n", ""), restored);
        Assert.Equal(new CliResult(0, "v1\n", ""), await RunAsync("kv", "get", "app/config"));
    }

    [Fact]
    public async Task Inspect_prints_the_metadata_and_a_table_by_type_as_consul_does()
    {
        var file = await WriteKnownSnapshotAsync();

        var result = await CliRunner.RunAsync("snapshot", "inspect", file);

        Assert.Equal(new CliResult(0,
            " ID           2-7-1700000000123\n" +
            " Size         141\n" +
            " Index        7\n" +
            " Term         2\n" +
            " Version      1\n" +
            "\n" +
            " Type           Count      Size\n" +
            " ----           ----       ----\n" +
            " KVS            1          28B\n" +
            " Register       1          13B\n" +
            " Tombstone      1          8B\n" +
            " Index          1          7B\n" +
            " ----           ----       ----\n" +
            " Total                     56B\n", ""), result);
    }

    [Fact]
    public async Task Inspect_breaks_kv_usage_down_by_prefix_and_speaks_json()
    {
        var file = await WriteKnownSnapshotAsync();

        var details = await CliRunner.RunAsync("snapshot", "inspect", "-kvdetails", file);
        var json = await CliRunner.RunAsync("snapshot", "inspect", "-format=json", file);
        var unknown = await CliRunner.RunAsync("snapshot", "inspect", "-format=yaml", file);

        Assert.Equal(0, details.ExitCode);
        Assert.EndsWith(
            " Total                     56B\n" +
            "\n" +
            " Key Name      Count      Size\n" +
            " ----          ----       ----\n" +
            " a/b           1          28B\n" +
            " ----          ----       ----\n" +
            " Total                    28B\n", details.Out);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal("2-7-1700000000123", document.RootElement.GetProperty("Meta").GetProperty("ID").GetString());
        Assert.Equal(56, document.RootElement.GetProperty("TotalSize").GetInt32());
        Assert.Equal("KVS", document.RootElement.GetProperty("Stats")[0].GetProperty("Name").GetString());
        Assert.StartsWith("{\n   \"Meta\": {\n      \"ID\"", json.Out, StringComparison.Ordinal);
        Assert.Equal(new CliResult(1, "", "Error outputting enhanced snapshot data: Unknown format: yaml\n"), unknown);
    }

    [Fact]
    public async Task Inspect_of_a_saved_snapshot_shows_the_agents_data()
    {
        Assert.Equal(0, (await RunAsync("kv", "put", "inspected", "x")).ExitCode);
        var file = FilePath("live.snap");
        Assert.Equal(0, (await RunAsync("snapshot", "save", file)).ExitCode);

        var result = await CliRunner.RunAsync("snapshot", "inspect", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^ ID {11}1-\d+-\d+\n Size {9}\d+\n Index {8}\d+\n Term {9}1\n Version {6}1\n\n Type +Count +Size\n", result.Out);
        Assert.Matches(@"\n KVS +1 +\d+B\n", result.Out);
        Assert.Matches(@"\n Register +\d+ +[\d.]+K?B\n", result.Out);
    }

    [Fact]
    public async Task A_damaged_file_is_refused_by_inspect_and_by_the_agent()
    {
        Assert.Equal(0, (await RunAsync("kv", "put", "safe", "before")).ExitCode);
        var file = FilePath("good.snap");
        Assert.Equal(0, (await RunAsync("snapshot", "save", file)).ExitCode);
        var damaged = FilePath("damaged.snap");
        await File.WriteAllBytesAsync(damaged, SnapshotFiles.Replace(await File.ReadAllBytesAsync(file), "state.bin", s => [.. s, (byte)' ']));
        Assert.Equal(0, (await RunAsync("kv", "put", "safe", "after")).ExitCode);

        var inspect = await CliRunner.RunAsync("snapshot", "inspect", damaged);
        var restore = await RunAsync("snapshot", "restore", damaged);

        const string reason = "failed to read snapshot file: failed checking integrity of snapshot: hash check failed for \"state.bin\"";
        Assert.Equal(new CliResult(1, "", $"Error reading snapshot: {reason}\n"), inspect);
        Assert.Equal(new CliResult(1, "", $"Error restoring snapshot: Unexpected response code: 500 ({reason})\n"), restore);
        Assert.Equal(new CliResult(0, "after\n", ""), await RunAsync("kv", "get", "safe"));
    }

    [Fact]
    public async Task Save_keeps_nothing_it_could_not_verify()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("GET", "/v1/snapshot", "this is not a snapshot");
        var file = FilePath("unverified.snap");

        var result = await agent.RunCliAsync("snapshot", "save", file);

        Assert.Equal(new CliResult(1, "", "Error verifying snapshot file: failed to decompress snapshot: gzip: invalid header\n"), result);
        Assert.Empty(_directory.EnumerateFiles());
    }

    [Fact]
    public async Task Save_reports_the_agents_refusal_and_stale_goes_as_a_parameter()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("GET", "/v1/snapshot", "No cluster leader", status: 500);

        var result = await agent.RunCliAsync("snapshot", "save", "-stale", FilePath("x.snap"));

        Assert.Equal(new CliResult(1, "", "Error saving snapshot: Unexpected response code: 500 (No cluster leader)\n"), result);
        Assert.True(agent.Single("GET", "/v1/snapshot").Query.ContainsKey("stale"));
        Assert.Empty(_directory.EnumerateFiles());
    }

    [Theory]
    [InlineData("Missing FILE argument\n", "save")]
    [InlineData("Too many arguments (expected 1, got 2)\n", "restore", "a", "b")]
    [InlineData("Missing FILE argument\n", "inspect")]
    public async Task Each_subcommand_takes_one_file(string error, params string[] args)
    {
        var result = await RunAsync(["snapshot", .. args]);

        Assert.Equal(new CliResult(1, "", error), result);
    }

    [Fact]
    public async Task A_missing_file_is_named_as_go_names_it()
    {
        var missing = FilePath("nope.snap");

        var restore = await RunAsync("snapshot", "restore", missing);
        var inspect = await RunAsync("snapshot", "inspect", missing);

        Assert.Equal(new CliResult(1, "", $"Error opening snapshot file: open {missing}: no such file or directory\n"), restore);
        Assert.Equal(restore, inspect);
    }

    private async Task<string> WriteKnownSnapshotAsync()
    {
        var state = Encoding.UTF8.GetBytes(KnownState);
        var taken = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        var meta = SnapshotMeta.For(term: 2, index: 7, ClusterConfiguration.Empty, state.Length, taken);
        var file = FilePath("known.snap");
        await using (var output = File.Create(file))
        {
            await SnapshotArchive.WriteAsync(output, meta, state, taken);
        }
        return file;
    }
}
