using System.Text.Json;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.State;

namespace Mesh.Server.Cluster;

/// <summary>The state store as Raft's state machine: log entries are state commands in the store's own JSON.</summary>
internal sealed class StoreStateMachine(StateStore store) : IRaftStateMachine
{
    public static byte[] Encode(StateCommand command) => JsonSerializer.SerializeToUtf8Bytes(command, StateJson.Options);

    public object? Apply(ulong index, byte[] command)
    {
        var decoded = JsonSerializer.Deserialize<StateCommand>(command, StateJson.Options)
            ?? throw new InvalidDataException($"The log entry at index {index} holds no state command.");
        return store.Apply(decoded, index);
    }

    public IRaftSnapshot Capture() => new Snapshot(store.Capture());

    public void Restore(Stream snapshot) => store.RestoreSnapshot(snapshot);

    private sealed class Snapshot(StateStore.StateSnapshot state) : IRaftSnapshot
    {
        public void WriteTo(Stream destination) => state.WriteTo(destination);
    }
}
