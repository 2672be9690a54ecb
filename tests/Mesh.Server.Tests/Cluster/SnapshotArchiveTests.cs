using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mesh.Server.Cluster;
using Mesh.Server.Consensus;

namespace Mesh.Server.Tests.Cluster;

/// <summary>Consul's snapshot file layout: gzip(tar(meta.json, state.bin, SHA256SUMS)), verified on every read.</summary>
public sealed class SnapshotArchiveTests
{
    private static readonly DateTimeOffset Taken = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private static readonly ClusterConfiguration Servers = new(
    [
        new RaftMember("a", "10.0.0.1:8300", MemberRole.Voter),
        new RaftMember("b", "10.0.0.2:8300", MemberRole.Staging),
        new RaftMember("c", "10.0.0.3:8300", MemberRole.Learner),
    ]);

    [Fact]
    public async Task An_archive_holds_raft_style_metadata_the_state_and_their_sha256_sums()
    {
        var state = "{\"Kv\":[]}"u8.ToArray();
        var meta = SnapshotMeta.For(term: 3, index: 42, Servers, state.Length, Taken);

        var archive = await WriteAsync(meta, state);
        var files = SnapshotFiles.Unpack(archive);

        Assert.Equal(["meta.json", "state.bin", "SHA256SUMS"], files.Select(f => f.Name));
        var metaJson = Encoding.UTF8.GetString(files[0].Data);
        Assert.EndsWith("}\n", metaJson, StringComparison.Ordinal);
        using var parsed = JsonDocument.Parse(metaJson);
        Assert.Equal(["Version", "ID", "Index", "Term", "Configuration", "ConfigurationIndex", "Size"], parsed.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("3-42-1700000000123", parsed.RootElement.GetProperty("ID").GetString());
        Assert.Equal(
            """{"Servers":[{"Suffrage":0,"ID":"a","Address":"10.0.0.1:8300"},{"Suffrage":2,"ID":"b","Address":"10.0.0.2:8300"},{"Suffrage":1,"ID":"c","Address":"10.0.0.3:8300"}]}""",
            parsed.RootElement.GetProperty("Configuration").GetRawText());
        Assert.Equal(state, files[1].Data);
        Assert.Equal(
            $"{Hash(files[0].Data)}  meta.json\n{Hash(state)}  state.bin\n",
            Encoding.UTF8.GetString(files[2].Data));

        var read = SnapshotArchive.Read(new MemoryStream(archive));
        Assert.Equal(meta, read.Meta with { Configuration = meta.Configuration });
        Assert.Equal(meta.Configuration!.Servers, read.Meta.Configuration!.Servers);
        Assert.Equal(state, read.State);
    }

    [Theory]
    [InlineData("meta", "failed to read snapshot file: failed checking integrity of snapshot: hash check failed for \"meta.json\"")]
    [InlineData("state", "failed to read snapshot file: failed checking integrity of snapshot: hash check failed for \"state.bin\"")]
    [InlineData("sum", "failed to read snapshot file: failed checking integrity of snapshot: hash check failed for \"state.bin\"")]
    [InlineData("unlisted", "failed to read snapshot file: failed checking integrity of snapshot: list missing hash for \"other.bin\"")]
    [InlineData("no-sums", "failed to read snapshot file: failed checking integrity of snapshot: file missing for \"meta.json\"")]
    [InlineData("no-state", "failed to read snapshot file: failed checking integrity of snapshot: hash check failed for \"state.bin\"")]
    [InlineData("bad-meta", "failed to read snapshot file: failed to decode snapshot metadata: ")]
    public async Task Every_read_checks_the_sums(string damage, string error)
    {
        var state = "{}"u8.ToArray();
        var archive = await WriteAsync(SnapshotMeta.For(1, 2, Servers, state.Length, Taken), state);
        var files = SnapshotFiles.Unpack(archive);
        var damaged = damage switch
        {
            "meta" => SnapshotFiles.Replace(archive, "meta.json", m => [.. m, (byte)' ']),
            "state" => SnapshotFiles.Replace(archive, "state.bin", _ => "{ }"u8.ToArray()),
            "sum" => SnapshotFiles.Replace(archive, "SHA256SUMS", s => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(s).Replace(Hash(state), Hash([1]), StringComparison.Ordinal))),
            "unlisted" => SnapshotFiles.Replace(archive, "SHA256SUMS", s => [.. s, .. Encoding.UTF8.GetBytes($"{Hash([])}  other.bin\n")]),
            "no-sums" => SnapshotFiles.Pack(files.Where(f => f.Name != "SHA256SUMS")),
            "no-state" => SnapshotFiles.Pack(files.Where(f => f.Name != "state.bin")),
            _ => Forged(files, "not json"u8.ToArray()),
        };

        var failure = Assert.Throws<InvalidDataException>(() => SnapshotArchive.Read(new MemoryStream(damaged)));

        Assert.StartsWith(error, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Something_that_is_not_gzip_fails_before_anything_is_read()
    {
        var failure = Assert.Throws<InvalidDataException>(() => SnapshotArchive.Read(new MemoryStream("PK\u0003\u0004"u8.ToArray())));
        var empty = Assert.Throws<InvalidDataException>(() => SnapshotArchive.Read(new MemoryStream()));

        Assert.Equal("failed to decompress snapshot: gzip: invalid header", failure.Message);
        Assert.Equal(failure.Message, empty.Message);
    }

    private static byte[] Forged(List<(string Name, byte[] Data)> files, byte[] meta)
    {
        var state = files.Single(f => f.Name == "state.bin").Data;
        return SnapshotFiles.Pack(
        [
            ("meta.json", meta),
            ("state.bin", state),
            ("SHA256SUMS", Encoding.UTF8.GetBytes($"{Hash(meta)}  meta.json\n{Hash(state)}  state.bin\n")),
        ]);
    }

    private static async Task<byte[]> WriteAsync(SnapshotMeta meta, byte[] state)
    {
        using var output = new MemoryStream();
        await SnapshotArchive.WriteAsync(output, meta, state, Taken);
        return output.ToArray();
    }

    private static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
