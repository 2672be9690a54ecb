using System.Net;
using System.Text;
using Mesh.Server.Cluster;
using Mesh.Server.Tests.Cluster;

namespace Mesh.Server.Tests.Http;

/// <summary>GET and PUT /v1/snapshot on a dev agent: the whole state out as a checksummed archive, and back in.</summary>
public sealed class SnapshotEndpointTests : IAsyncLifetime
{
    private DevAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await DevAgent.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task A_saved_snapshot_is_a_verified_archive_of_the_state_at_the_index_it_reports()
    {
        var written = await PutAsync("saved/key", "value");

        using var response = await _agent.Http.GetAsync("/v1/snapshot");
        var archive = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-gzip", response.Content.Headers.ContentType?.MediaType);
        // The agent's own catalog writes may come after the key's.
        var index = TestApi.IndexOf(response);
        Assert.True(index >= written, $"the snapshot's index {index} is before the write at {written}");
        var snapshot = SnapshotArchive.Read(new MemoryStream(archive));
        Assert.Equal(index, snapshot.Meta.Index);
        Assert.Equal(1, snapshot.Meta.Version);
        Assert.Equal(snapshot.State.Length, snapshot.Meta.Size);
        Assert.Equal($"{snapshot.Meta.Term}-{index}-", snapshot.Meta.ID[..(snapshot.Meta.ID.LastIndexOf('-') + 1)]);
        Assert.Equal(_agent.Config.NodeId, Assert.Single(snapshot.Meta.Configuration!.Servers).ID);
        Assert.Contains("\"saved/key\"", Encoding.UTF8.GetString(snapshot.State), StringComparison.Ordinal);
        Assert.Equal(["meta.json", "state.bin", "SHA256SUMS"], SnapshotFiles.Unpack(archive).Select(f => f.Name));
    }

    [Fact]
    public async Task A_restore_brings_the_saved_state_back_and_indexes_keep_growing()
    {
        await PutAsync("data/kept", "original");
        await PutAsync("data/changed", "before");
        var archive = await SaveAsync();
        await PutAsync("data/changed", "after");
        await PutAsync("data/added", "new");
        using (var deleted = await _agent.Http.DeleteAsync("/v1/kv/data/kept"))
        {
            deleted.EnsureSuccessStatusCode();
        }
        using var beforeRestore = await _agent.Http.GetAsync("/v1/kv/data/?recurse");
        var indexBeforeRestore = TestApi.IndexOf(beforeRestore);

        using var restored = await _agent.Http.PutAsync("/v1/snapshot", new ByteArrayContent(archive));

        Assert.Equal((HttpStatusCode.OK, ""), await TestApi.TextOf(restored));
        Assert.Equal("original", await _agent.Http.GetStringAsync("/v1/kv/data/kept?raw"));
        Assert.Equal("before", await _agent.Http.GetStringAsync("/v1/kv/data/changed?raw"));
        Assert.Equal(HttpStatusCode.NotFound, (await _agent.Http.GetAsync("/v1/kv/data/added")).StatusCode);
        using var afterRestore = await _agent.Http.GetAsync("/v1/kv/data/kept");
        Assert.True(TestApi.IndexOf(afterRestore) > indexBeforeRestore, "a read after the restore reports an older index");
        // The local agent's own node is in the restored catalog too (it was in the snapshot).
        var node = await TestApi.JsonOf(await _agent.Http.GetAsync($"/v1/catalog/node/{_agent.Config.NodeName}"));
        Assert.Equal(_agent.Config.NodeName, node.GetProperty("Node").GetProperty("Node").GetString());
    }

    [Fact]
    public async Task A_blocking_query_wakes_on_a_restore_with_a_newer_index()
    {
        await PutAsync("watched", "old");
        var archive = await SaveAsync();
        var current = await PutAsync("watched", "new");
        var blocked = _agent.Http.GetAsync($"/v1/kv/watched?index={current}&wait=30s");

        using (var restored = await _agent.Http.PutAsync("/v1/snapshot", new ByteArrayContent(archive)))
        {
            restored.EnsureSuccessStatusCode();
        }

        using var woken = await blocked.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(TestApi.IndexOf(woken) > current);
        var entry = (await TestApi.JsonOf(woken))[0];
        Assert.Equal("old", Encoding.UTF8.GetString(entry.GetProperty("Value").GetBytesFromBase64()));
    }

    [Theory]
    [InlineData("state", "failed to read snapshot file: failed checking integrity of snapshot: hash check failed for \"state.bin\"")]
    [InlineData("sums", "failed to read snapshot file: failed checking integrity of snapshot: file missing for \"state.bin\"")]
    [InlineData("extra", "failed to read snapshot file: unexpected file \"notes.txt\" in snapshot")]
    [InlineData("not-gzip", "failed to decompress snapshot: gzip: invalid header")]
    [InlineData("truncated", "failed to read snapshot file: failed reading snapshot: ")]
    public async Task A_damaged_archive_is_refused_with_its_reason_and_changes_nothing(string damage, string error)
    {
        await PutAsync("precious", "kept");
        var archive = await SaveAsync();
        var damaged = damage switch
        {
            "state" => SnapshotFiles.Replace(archive, "state.bin", state => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(state).Replace("precious", "tampered", StringComparison.Ordinal))),
            "sums" => SnapshotFiles.Replace(archive, "SHA256SUMS", sums => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(sums).Split('\n')[0] + "\n")),
            "extra" => SnapshotFiles.Pack([.. SnapshotFiles.Unpack(archive), ("notes.txt", "hi"u8.ToArray())]),
            "not-gzip" => Encoding.UTF8.GetBytes("{\"Kv\":[]}"),
            _ => archive[..(archive.Length / 2)],
        };
        await PutAsync("precious", "changed after the save");
        using var before = await _agent.Http.GetAsync("/v1/kv/precious");
        var index = TestApi.IndexOf(before);

        var (status, body) = await TestApi.TextOf(await _agent.Http.PutAsync("/v1/snapshot", new ByteArrayContent(damaged)));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.StartsWith(error, body, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', body);
        Assert.Equal("changed after the save", await _agent.Http.GetStringAsync("/v1/kv/precious?raw"));
        using var after = await _agent.Http.GetAsync("/v1/kv/precious");
        Assert.Equal(index, TestApi.IndexOf(after));
    }

    [Fact]
    public async Task An_archive_whose_state_is_not_the_stores_is_refused()
    {
        var archive = await SaveAsync();
        var meta = SnapshotFiles.Unpack(archive).Single(f => f.Name == "meta.json").Data;
        var state = "[1,2,3]"u8.ToArray();
        var sums = $"{Hex(meta)}  meta.json\n{Hex(state)}  state.bin\n";
        var forged = SnapshotFiles.Pack([("meta.json", meta), ("state.bin", state), ("SHA256SUMS", Encoding.UTF8.GetBytes(sums))]);

        var (status, body) = await TestApi.TextOf(await _agent.Http.PutAsync("/v1/snapshot", new ByteArrayContent(forged)));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.StartsWith("the snapshot state is not a state store snapshot", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_cannot_be_stale()
    {
        var archive = await SaveAsync();

        var answer = await TestApi.TextOf(await _agent.Http.PutAsync("/v1/snapshot?stale", new ByteArrayContent(archive)));

        Assert.Equal((HttpStatusCode.InternalServerError, "stale not allowed for restore"), answer);
    }

    private async Task<byte[]> SaveAsync()
    {
        using var response = await _agent.Http.GetAsync("/v1/snapshot");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Writes a key; returns the write's index.</summary>
    private async Task<ulong> PutAsync(string key, string value)
    {
        using (var put = await _agent.Http.PutAsync($"/v1/kv/{key}", new StringContent(value)))
        {
            Assert.Equal("true", await put.Content.ReadAsStringAsync());
        }
        using var read = await _agent.Http.GetAsync($"/v1/kv/{key}");
        return TestApi.IndexOf(read);
    }

    private static string Hex(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
}
