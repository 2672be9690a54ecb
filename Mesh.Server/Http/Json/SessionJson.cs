using System.Text.Json;
using Mesh.Server.Config;
using Mesh.Server.State.Sessions;

namespace Mesh.Server.Http.Json;

/// <summary>structs.Session as the session endpoints answer it: LockDelay in nanoseconds, empty lists as null.</summary>
internal sealed record SessionJson(
    string ID,
    string Name,
    string Node,
    long LockDelay,
    string Behavior,
    string TTL,
    List<string>? NodeChecks,
    List<SessionServiceCheckJson>? ServiceChecks,
    ulong CreateIndex,
    ulong ModifyIndex)
{
    public static SessionJson From(SessionEntry session) => new(
        session.ID,
        session.Name,
        session.Node,
        GoDuration.ToNanoseconds(session.LockDelay),
        session.Behavior,
        session.TTL,
        session.NodeChecks.Count == 0 ? null : session.NodeChecks,
        session.ServiceChecks.Count == 0 ? null : [.. session.ServiceChecks.Select(c => new SessionServiceCheckJson(c.ID, c.Namespace))],
        session.CreateIndex,
        session.ModifyIndex);
}

internal sealed record SessionServiceCheckJson(string ID, string Namespace);

/// <summary>PUT /v1/session/create's body; every field optional. LockDelay is a duration string or a number.</summary>
internal sealed record SessionCreateBody
{
    public string? Name { get; init; }
    public string? Node { get; init; }
    public JsonElement? LockDelay { get; init; }
    public string? Behavior { get; init; }
    public string? TTL { get; init; }
    public List<string>? NodeChecks { get; init; }
    public List<SessionServiceCheckBody>? ServiceChecks { get; init; }
    /// <summary>Before Consul 1.7 the node's checks were "Checks".</summary>
    public List<string>? Checks { get; init; }
}

internal sealed record SessionServiceCheckBody(string? ID, string? Namespace);

internal sealed record SessionIdJson(string ID);
