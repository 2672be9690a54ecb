using System.Globalization;

namespace Mesh.Server.Agent.Events;

/// <summary>
/// Consul's stand-in for a Raft index on /v1/event/list: the two 64-bit halves of the newest event's UUID XORed
/// together. It is not monotonic; a blocking list waits while it equals the index asked for.
/// </summary>
public static class UserEventIndex
{
    /// <summary>The index of event <paramref name="id"/>; 0 when it is not a UUID.</summary>
    public static ulong FromId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var hex = id.Replace("-", "", StringComparison.Ordinal);
        return hex.Length == 32
            && ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low)
            && ulong.TryParse(hex.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            ? low ^ high
            : 0;
    }
}
