using Mesh.Server.State.Queries;

namespace Mesh.Server.State.ConnectCa;

/// <summary>
/// The CA table. Without <paramref name="WithPrivateKeys"/> the roots' keys are left out, so that what the API
/// (or a client agent) reads never carries them.
/// </summary>
public sealed record ConnectCaQuery(bool WithPrivateKeys = false) : StateQuery<ConnectCaState>
{
    internal override ConnectCaState Run(StateReader reader)
    {
        var state = reader.ConnectCa();
        return WithPrivateKeys ? state : state with { Roots = [.. state.Roots.Select(r => r with { PrivateKey = null })] };
    }
}
