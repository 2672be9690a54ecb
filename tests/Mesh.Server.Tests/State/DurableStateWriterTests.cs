using System.Diagnostics.Metrics;
using Mesh.Server.State;
using Mesh.Server.State.Durability;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Server.Tests.State;

public sealed class DurableStateWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mesh-state-");

    private string LogPath => Path.Combine(_dir.FullName, "commands.log");

    public void Dispose() => _dir.Delete(recursive: true);

    private DurableStateWriter Open(StateStore store, int snapshotThreshold = DurableStateWriter.SnapshotThreshold) =>
        DurableStateWriter.Open(_dir.FullName, store, NullLogger.Instance, snapshotThreshold);

    [Fact]
    public async Task Acknowledged_writes_are_recovered_with_their_indexes()
    {
        var store = new StateStore();
        await using (var writer = Open(store))
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => writer.ApplyAsync(new KvSet($"k/{i}", [(byte)i]))));
            await writer.ApplyAsync(new KvDelete("k/7"));
        }

        var recovered = new StateStore();
        await using var reopened = Open(recovered);

        Assert.Equal(store.LastIndex, recovered.LastIndex);
        Assert.Equal(199, recovered.Read(r => r.KvList("k/")).Value.Count);
        Assert.Equal(store.Read(r => r.KvGet("k/42")).Value!.ModifyIndex, recovered.Read(r => r.KvGet("k/42")).Value!.ModifyIndex);
        Assert.Null(recovered.Read(r => r.KvGet("k/7")).Value);
    }

    [Fact]
    public async Task Concurrent_writes_share_fsyncs()
    {
        long fsyncs = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "mesh.state.fsyncs")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref fsyncs, value));
        listener.Start();

        await using var writer = Open(new StateStore());
        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => writer.ApplyAsync(new KvSet($"k/{i}", [1])))));

        // Other tests' writers publish on the same meter; fewer fsyncs than this test's 500 writes is the point.
        Assert.InRange(Interlocked.Read(ref fsyncs), 1, 499);
    }

    [Fact]
    public async Task A_torn_tail_is_truncated_and_the_intact_records_kept()
    {
        await using (var writer = Open(new StateStore()))
        {
            await writer.ApplyAsync(new KvSet("a", [1]));
            await writer.ApplyAsync(new KvSet("b", [2]));
        }
        var intact = new FileInfo(LogPath).Length;
        // A crash in the middle of an append: a header claiming more bytes than made it to disk.
        await using (var log = File.Open(LogPath, FileMode.Append))
        {
            log.Write([200, 0, 0, 0, 1, 2, 3, 4, 9, 9]);
        }

        var recovered = new StateStore();
        await using (var reopened = Open(recovered))
        {
            Assert.Equal(2ul, recovered.LastIndex);
            Assert.Equal(intact, new FileInfo(LogPath).Length);
            await reopened.ApplyAsync(new KvSet("c", [3]));
        }

        var again = new StateStore();
        await using var third = Open(again);
        Assert.Equal([3], again.Read(r => r.KvGet("c")).Value!.Value);
    }

    [Fact]
    public async Task A_damaged_record_with_records_after_it_is_refused()
    {
        await using (var writer = Open(new StateStore()))
        {
            await writer.ApplyAsync(new KvSet("a", [1]));
            await writer.ApplyAsync(new KvSet("b", [2]));
        }
        var bytes = await File.ReadAllBytesAsync(LogPath);
        bytes[20] ^= 0xFF;
        await File.WriteAllBytesAsync(LogPath, bytes);

        var error = Assert.Throws<InvalidDataException>(() => Open(new StateStore()));
        Assert.Contains("offset 0", error.Message);
    }

    [Fact]
    public async Task A_snapshot_empties_the_log_and_recovery_uses_both()
    {
        var store = new StateStore();
        await using (var writer = Open(store, snapshotThreshold: 10))
        {
            for (var i = 0; i < 25; i++)
            {
                await writer.ApplyAsync(new KvSet($"k/{i:D2}", [(byte)i]));
            }
        }
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "state.snapshot")));
        Assert.True(new FileInfo(LogPath).Length < 25 * 40);

        var recovered = new StateStore();
        await using var reopened = Open(recovered, snapshotThreshold: 10);
        Assert.Equal(25ul, recovered.LastIndex);
        Assert.Equal(25, recovered.Read(r => r.KvList("k/")).Value.Count);
    }
}
