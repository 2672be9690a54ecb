using System.Buffers.Binary;
using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>
/// The replicated state machine of the simulation: the ordered list of client commands applied (each command's
/// first 8 bytes are its unique id). Its snapshot is that list, so snapshots grow and travel in several chunks.
/// </summary>
internal sealed class SimStateMachine
{
    private readonly List<(ulong Index, ulong Id)> _commands = [];

    public ulong Index { get; private set; }

    public IReadOnlyList<(ulong Index, ulong Id)> Commands => _commands;

    public static ulong CommandId(LogEntry entry) => BinaryPrimitives.ReadUInt64LittleEndian(entry.Data);

    public void Apply(LogEntry entry)
    {
        if (entry.Index != Index + 1)
        {
            throw new SimulationException($"applied entry {entry.Index} right after {Index}");
        }
        if (entry.Kind == EntryKind.Command)
        {
            _commands.Add((entry.Index, CommandId(entry)));
        }
        Index = entry.Index;
    }

    public ulong? CommandAt(ulong index)
    {
        var lo = 0;
        var hi = _commands.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_commands[mid].Index == index)
            {
                return _commands[mid].Id;
            }
            if (_commands[mid].Index < index)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return null;
    }

    public byte[] Serialize()
    {
        var data = new byte[8 + 16 * _commands.Count];
        BinaryPrimitives.WriteUInt64LittleEndian(data, Index);
        for (var i = 0; i < _commands.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8 + 16 * i), _commands[i].Index);
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16 + 16 * i), _commands[i].Id);
        }
        return data;
    }

    public static SimStateMachine Deserialize(byte[] data)
    {
        var machine = new SimStateMachine { Index = BinaryPrimitives.ReadUInt64LittleEndian(data) };
        for (var offset = 8; offset < data.Length; offset += 16)
        {
            machine._commands.Add((
                BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset)),
                BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset + 8))));
        }
        return machine;
    }
}
