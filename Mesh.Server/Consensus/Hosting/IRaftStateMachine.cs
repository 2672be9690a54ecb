namespace Mesh.Server.Consensus.Hosting;

/// <summary>What a <see cref="RaftHost"/> replicates: committed client commands, applied in index order on one thread.</summary>
public interface IRaftStateMachine
{
    void Apply(ulong index, byte[] command);
}
