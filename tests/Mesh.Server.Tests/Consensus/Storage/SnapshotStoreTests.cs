using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Storage;

namespace Mesh.Server.Tests.Consensus.Storage;

/// <summary>Snapshot files on a real disk: written whole or from chunks, checked, kept two at a time.</summary>
public sealed class SnapshotStoreTests : IDisposable
{
    private static readonly ClusterConfiguration Configuration = new([new RaftMember("s1", "127.0.0.1:1", MemberRole.Voter)]);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"snapshots-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_saved_snapshot_reopens_with_its_metadata_and_data()
    {
        using (var store = SnapshotStore.Open(_directory))
        {
            store.Save(Metadata(10, 2), s => s.Write("hello"u8));
        }

        using var reopened = SnapshotStore.Open(_directory);
        var newest = reopened.Newest!;
        Assert.Equal(10UL, newest.Metadata.Index);
        Assert.Equal(2UL, newest.Metadata.Term);
        Assert.Equal("s1", Assert.Single(newest.Metadata.Configuration.Members).Id);
        Assert.Equal("hello"u8.ToArray(), ReadData(newest));
    }

    [Fact]
    public void Only_the_two_newest_snapshots_are_kept()
    {
        using var store = SnapshotStore.Open(_directory);
        foreach (var index in new ulong[] { 10, 30, 20, 40 })
        {
            store.Save(Metadata(index, 1), s => s.WriteByte((byte)index));
        }

        Assert.Equal(40UL, store.Newest!.Metadata.Index);
        Assert.Equal(2, Directory.GetFiles(_directory, "*.snap").Length);
        Assert.NotNull(store.Get(Metadata(30, 1)));
        Assert.Null(store.Get(Metadata(20, 1)));
    }

    [Fact]
    public void A_damaged_newest_snapshot_falls_back_to_the_previous_one()
    {
        using (var store = SnapshotStore.Open(_directory))
        {
            store.Save(Metadata(10, 1), s => s.Write(new byte[1000]));
            var newest = store.Save(Metadata(20, 1), s => s.Write(new byte[1000]));
            using var file = new FileStream(newest.Path, FileMode.Open, FileAccess.Write);
            file.Position = newest.DataOffset + 500;
            file.WriteByte(0xFF);
        }

        using var reopened = SnapshotStore.Open(_directory);
        Assert.Equal(10UL, reopened.Newest!.Metadata.Index);
    }

    [Fact]
    public void An_unfinished_snapshot_is_discarded_at_open()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "snapshot-00000000000000000009-00000000000000000001.tmp"), "partial");

        using var store = SnapshotStore.Open(_directory);

        Assert.Null(store.Newest);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_snapshot_copied_in_chunks_installs_and_matches_the_original()
    {
        var sourceDirectory = Path.Combine(_directory, "leader");
        var data = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        using var leader = SnapshotStore.Open(sourceDirectory);
        var original = leader.Save(Metadata(50, 3), s => s.Write(data));
        using var follower = SnapshotStore.Open(Path.Combine(_directory, "follower"));

        long offset = 0;
        while (true)
        {
            var (chunk, last) = leader.ReadChunk(original.Metadata, offset, 999)!.Value;
            follower.WriteChunk(original.Metadata, offset, chunk);
            offset += chunk.Length;
            if (last)
            {
                break;
            }
        }
        var installed = follower.Install(original.Metadata);

        Assert.Equal(original.Length, offset);
        Assert.Equal(data, ReadData(installed));
        Assert.Same(installed, follower.Newest);
    }

    [Fact]
    public void A_received_snapshot_that_is_not_what_the_leader_announced_is_refused()
    {
        using var leader = SnapshotStore.Open(Path.Combine(_directory, "leader"));
        var original = leader.Save(Metadata(50, 3), s => s.Write(new byte[100]));
        using var follower = SnapshotStore.Open(Path.Combine(_directory, "follower"));
        var (chunk, _) = leader.ReadChunk(original.Metadata, 0, 10_000)!.Value;
        chunk[^30] ^= 0xFF;
        follower.WriteChunk(original.Metadata, 0, chunk);

        var error = Assert.Throws<InvalidDataException>(() => follower.Install(original.Metadata));
        Assert.Contains("checksum", error.Message);
        Assert.Null(follower.Newest);
    }

    [Fact]
    public void A_truncated_file_is_reported_as_corrupt()
    {
        using (var store = SnapshotStore.Open(_directory))
        {
            var snapshot = store.Save(Metadata(10, 1), s => s.Write(new byte[100]));
            using var file = new FileStream(snapshot.Path, FileMode.Open, FileAccess.Write);
            file.SetLength(file.Length - 3);
        }

        var path = Directory.GetFiles(_directory, "*.snap").Single();
        var error = Assert.Throws<InvalidDataException>(() => SnapshotFile.Open(path));
        Assert.Contains("truncated", error.Message);
    }

    private static SnapshotMetadata Metadata(ulong index, ulong term) => new(index, term, Configuration);

    private static byte[] ReadData(SnapshotFile snapshot)
    {
        using var data = snapshot.OpenData();
        using var copy = new MemoryStream();
        data.CopyTo(copy);
        return copy.ToArray();
    }
}
