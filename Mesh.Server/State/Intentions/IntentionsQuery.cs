using Mesh.Connect.Intentions;
using Mesh.Server.State.Queries;

namespace Mesh.Server.State.Intentions;

/// <summary>Every intention, in Consul's order (precedence, then names); the API filters and evaluates them.</summary>
public sealed record IntentionsQuery : StateQuery<IReadOnlyList<Intention>>
{
    internal override IReadOnlyList<Intention> Run(StateReader reader) => reader.Intentions();
}
