using System.Globalization;

namespace Mesh.Server.Config;

/// <summary>Raft and autopilot tunables, checked with Consul's "key cannot be X. Must be ..." wording.</summary>
internal static partial class AgentConfigResolver
{
    private static AutopilotConfig ResolveAutopilot(AutopilotSection? autopilot)
    {
        var defaults = new AutopilotConfig();
        return new AutopilotConfig
        {
            CleanupDeadServers = autopilot?.CleanupDeadServers?.Value ?? defaults.CleanupDeadServers,
            LastContactThreshold = InRange(autopilot?.LastContactThreshold, defaults.LastContactThreshold, "autopilot.last_contact_threshold", zeroAllowed: false),
            MaxTrailingLogs = InRange(autopilot?.MaxTrailingLogs, defaults.MaxTrailingLogs, "autopilot.max_trailing_logs", zeroAllowed: true),
            MinQuorum = InRange(autopilot?.MinQuorum, defaults.MinQuorum, "autopilot.min_quorum", zeroAllowed: true),
            ServerStabilizationTime = InRange(autopilot?.ServerStabilizationTime, defaults.ServerStabilizationTime, "autopilot.server_stabilization_time", zeroAllowed: true),
        };
    }

    /// <summary>A count or duration that must be positive (or, with <paramref name="zeroAllowed"/>, not negative).</summary>
    private static T InRange<T>(Located<T>? value, T fallback, string key, bool zeroAllowed)
        where T : struct, IComparable<T>
    {
        var resolved = value?.Value ?? fallback;
        var sign = resolved.CompareTo(default);
        if (sign > 0 || (sign == 0 && zeroAllowed))
        {
            return resolved;
        }

        var shown = resolved is TimeSpan duration ? GoDuration.Format(duration) : string.Create(CultureInfo.InvariantCulture, $"{resolved}");
        throw Error(value, $"{key} cannot be {shown}. Must be {(zeroAllowed ? "greater than or equal to zero" : "positive")}");
    }
}
