namespace Mesh.Server.State;

/// <summary>Dev mode's writer: one agent is the whole datacenter, so a write is applied at once.</summary>
public sealed class LocalStateWriter(StateStore store) : IStateWriter
{
    public Task<ApplyResult> ApplyAsync(StateCommand command, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Apply(command));
}
