using System.Buffers.Binary;
using System.Text;

namespace Mesh.Server.Consensus;

/// <summary>A server's part in the cluster. Staging servers catch up as non-voters and are promoted by the leader.</summary>
public enum MemberRole : byte
{
    Voter = 0,
    Staging = 1,
    Learner = 2,
}

public sealed record RaftMember(string Id, string Address, MemberRole Role);

/// <summary>
/// The set of servers and their roles. It lives in the log (configuration entries) and in snapshots; a server
/// uses the latest configuration in its log, committed or not (Raft §4.1).
/// </summary>
public sealed class ClusterConfiguration
{
    public static readonly ClusterConfiguration Empty = new([]);

    private readonly RaftMember[] _members;
    private readonly string[] _voters;

    public ClusterConfiguration(IEnumerable<RaftMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        _members = [.. members.OrderBy(m => m.Id, StringComparer.Ordinal)];
        for (var i = 1; i < _members.Length; i++)
        {
            if (_members[i].Id == _members[i - 1].Id)
            {
                throw new ArgumentException($"Server {_members[i].Id} appears twice in the configuration.", nameof(members));
            }
        }
        _voters = [.. _members.Where(m => m.Role == MemberRole.Voter).Select(m => m.Id)];
    }

    /// <summary>Members in id order (a stable order keeps the simulator deterministic).</summary>
    public IReadOnlyList<RaftMember> Members => _members;

    public IReadOnlyList<string> Voters => _voters;

    /// <summary>Votes (or acknowledgements) needed for a majority of the voters.</summary>
    public int Quorum => _voters.Length / 2 + 1;

    public RaftMember? Find(string id) => Array.Find(_members, m => m.Id == id);

    public bool Contains(string id) => Find(id) is not null;

    public bool IsVoter(string id) => Array.IndexOf(_voters, id) >= 0;

    public ClusterConfiguration With(RaftMember member) =>
        new(_members.Where(m => m.Id != member.Id).Append(member));

    public ClusterConfiguration Without(string id) => new(_members.Where(m => m.Id != id));

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(_members.Length);
            foreach (var member in _members)
            {
                writer.Write((byte)member.Role);
                writer.Write(member.Id);
                writer.Write(member.Address);
            }
        }
        return stream.ToArray();
    }

    public static ClusterConfiguration Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4)
        {
            throw new InvalidDataException("A configuration entry is truncated.");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (count < 0 || count > data.Length)
        {
            throw new InvalidDataException("A configuration entry is corrupt.");
        }
        try
        {
            using var stream = new MemoryStream(data.ToArray());
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            reader.ReadInt32();
            var members = new List<RaftMember>(count);
            for (var i = 0; i < count; i++)
            {
                var role = (MemberRole)reader.ReadByte();
                if (!Enum.IsDefined(role))
                {
                    throw new InvalidDataException("A configuration entry has an unknown member role.");
                }
                members.Add(new RaftMember(reader.ReadString(), reader.ReadString(), role));
            }
            return new ClusterConfiguration(members);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("A configuration entry is truncated.");
        }
    }

    public override string ToString() =>
        "[" + string.Join(",", _members.Select(m => m.Role switch
        {
            MemberRole.Voter => m.Id,
            MemberRole.Staging => m.Id + "(staging)",
            _ => m.Id + "(learner)",
        })) + "]";
}
