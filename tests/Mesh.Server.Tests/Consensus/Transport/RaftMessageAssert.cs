using Mesh.Server.Consensus;

namespace Mesh.Server.Tests.Consensus.Transport;

/// <summary>Field-by-field equality for Raft messages, whose records hold arrays and lists compared by reference.</summary>
internal static class RaftMessageAssert
{
    private static readonly SnapshotMetadata NoSnapshot = new(0, 0, ClusterConfiguration.Empty);

    public static void Equal(RaftMessage expected, RaftMessage actual)
    {
        Assert.IsType(expected.GetType(), actual);
        switch (expected, actual)
        {
            case (AppendRequest e, AppendRequest a):
                Assert.Equal(e with { Entries = Array.Empty<LogEntry>() }, a with { Entries = Array.Empty<LogEntry>() });
                Assert.Equal(e.Entries.Count, a.Entries.Count);
                for (var i = 0; i < e.Entries.Count; i++)
                {
                    Assert.Equal(e.Entries[i] with { Data = [] }, a.Entries[i] with { Data = [] });
                    Assert.Equal(e.Entries[i].Data, a.Entries[i].Data);
                }
                break;
            case (SnapshotRequest e, SnapshotRequest a):
                Assert.Equal(e with { Snapshot = NoSnapshot, Data = [] }, a with { Snapshot = NoSnapshot, Data = [] });
                Assert.Equal(e.Snapshot.Index, a.Snapshot.Index);
                Assert.Equal(e.Snapshot.Term, a.Snapshot.Term);
                Assert.Equal(e.Snapshot.Configuration.Members, a.Snapshot.Configuration.Members);
                Assert.Equal(e.Data, a.Data);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    public static void Equal(IReadOnlyList<RaftMessage> expected, IReadOnlyList<RaftMessage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Equal(expected[i], actual[i]);
        }
    }
}
