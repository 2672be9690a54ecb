namespace Mesh.Server.State;

/// <summary>
/// Where writes go: straight into the local store in dev mode, through Raft on a datacenter's servers,
/// forwarded to a server from a client agent. Callers see one path either way.
/// </summary>
public interface IStateWriter
{
    Task<ApplyResult> ApplyAsync(StateCommand command, CancellationToken cancellationToken = default);
}
