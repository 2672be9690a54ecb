using System.Diagnostics.CodeAnalysis;
using Mesh.Server.Config;

namespace Mesh.Server.Checks;

public sealed partial class CheckRunner
{
    /// <summary>
    /// The kind of check a definition describes; throws <see cref="ArgumentException"/> whose message is the
    /// one-line reason (Consul's wording where Consul has one) when the definition is invalid or ambiguous.
    /// </summary>
    public static CheckType Classify(CheckDefinition definition) =>
        TryClassify(definition, out var type, out var error) ? type : throw new ArgumentException(error);

    /// <summary><see cref="Classify"/> without the exception: <paramref name="error"/> is the reason.</summary>
    public static bool TryClassify(CheckDefinition definition, out CheckType type, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var targets = new List<CheckType>(1);
        if (!string.IsNullOrEmpty(definition.HTTP))
        {
            targets.Add(CheckType.Http);
        }
        if (!string.IsNullOrEmpty(definition.TCP))
        {
            targets.Add(CheckType.Tcp);
        }
        if (!string.IsNullOrEmpty(definition.GRPC))
        {
            targets.Add(CheckType.Grpc);
        }
        if (definition.Args is { Count: > 0 })
        {
            targets.Add(CheckType.Script);
        }

        var interval = definition.Interval ?? TimeSpan.Zero;
        var ttl = definition.TTL ?? TimeSpan.Zero;
        var failuresBeforeWarning = CheckSettings.EffectiveFailuresBeforeWarning(definition);
        error = null;
        if (interval > TimeSpan.Zero && ttl > TimeSpan.Zero)
        {
            error = "Interval and TTL cannot both be specified";
        }
        else if (targets.Count > 1)
        {
            // Consul silently picks one; refusing tells the client its definition doesn't say what it means.
            error = $"Only one of HTTP, TCP, GRPC or Args may be set, not {string.Join(" and ", targets.Select(Describe))}";
        }
        else if (targets.Count == 1 && interval <= TimeSpan.Zero)
        {
            error = "Interval must be > 0 for Script, HTTP, TCP or GRPC checks";
        }
        else if (targets.Count == 0 && ttl <= TimeSpan.Zero)
        {
            error = "TTL must be > 0 for TTL checks";
        }
        else if (definition.OutputMaxSize < 0)
        {
            error = "MaxOutputMaxSize must be positive";
        }
        else if (definition.SuccessBeforePassing < 0 || definition.FailuresBeforeCritical < 0 || definition.FailuresBeforeWarning < 0)
        {
            error = "SuccessBeforePassing, FailuresBeforeWarning and FailuresBeforeCritical can't be negative";
        }
        else if (failuresBeforeWarning > definition.FailuresBeforeCritical)
        {
            error = "FailuresBeforeWarning can't be higher than FailuresBeforeCritical";
        }
        else if (!string.IsNullOrEmpty(definition.Status) && !HealthStatus.IsValid(definition.Status))
        {
            error = "Bad check status";
        }

        type = targets.Count == 1 ? targets[0] : CheckType.Ttl;
        return error is null;
    }

    private static string Describe(CheckType type) => type switch
    {
        CheckType.Http => "HTTP",
        CheckType.Tcp => "TCP",
        CheckType.Grpc => "GRPC",
        CheckType.Script => "Args",
        _ => "TTL",
    };
}
