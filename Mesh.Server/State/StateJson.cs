using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Server.State;

/// <summary>The one JSON shape of commands and snapshots (the future Raft log and snapshot format).</summary>
public static class StateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };
}
