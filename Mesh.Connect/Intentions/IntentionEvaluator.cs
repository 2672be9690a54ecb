using System.Text.RegularExpressions;

namespace Mesh.Connect.Intentions;

/// <summary>What a proxy knows about an HTTP request it must authorize at L7.</summary>
/// <param name="Headers">Header names are matched case-insensitively.</param>
public sealed record HttpRequestInfo(string Method, string Path, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>An authorization answer: allowed or not, why (Consul's wording), and the intention that decided.</summary>
public sealed record IntentionDecision(bool Allowed, string Reason, Intention? Governing);

/// <summary>
/// Decides a connection as Consul does: the most specific matching intention governs (deny wins a tie); nothing
/// matching falls to the default policy ("allow" without ACLs). An L7 intention denies a connection seen only at
/// L4; given the request, its first matching permission decides, and none matching falls to the default policy.
/// </summary>
public static class IntentionEvaluator
{
    public const string DefaultReason = "Default behavior configured by ACLs";

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public static IntentionDecision Evaluate(
        IEnumerable<Intention> intentions,
        string source,
        string destination,
        HttpRequestInfo? request = null,
        bool defaultAllow = true)
    {
        var governing = IntentionPrecedence.Governing(intentions, source, destination);
        if (governing is null)
        {
            return new IntentionDecision(defaultAllow, DefaultReason, null);
        }
        if (!governing.HasPermissions)
        {
            return new IntentionDecision(governing.Action == IntentionAction.Allow, $"Matched L4 intention: {governing}", governing);
        }
        if (request is null)
        {
            return new IntentionDecision(false, $"Matched L7 intention: {governing}", governing);
        }
        for (var i = 0; i < governing.Permissions!.Count; i++)
        {
            var permission = governing.Permissions[i];
            if (permission.HTTP is { } http && Matches(http, request))
            {
                return new IntentionDecision(permission.Action == IntentionAction.Allow, $"Matched L7 intention: {governing}, permission {i}", governing);
            }
        }
        return new IntentionDecision(defaultAllow, $"Matched L7 intention: {governing}, no permission matched; {DefaultReason}", governing);
    }

    private static bool Matches(IntentionHttpPermission http, HttpRequestInfo request)
    {
        var pathMatches = http switch
        {
            { PathExact: { } exact } => request.Path == exact,
            { PathPrefix: { } prefix } => request.Path.StartsWith(prefix, StringComparison.Ordinal),
            { PathRegex: { } regex } => FullMatch(regex, request.Path),
            _ => true,
        };
        return pathMatches
            && (http.Methods is not { Count: > 0 } methods || methods.Contains(request.Method.ToUpperInvariant()))
            && (http.Header ?? []).All(h => HeaderMatches(h, request.Headers));
    }

    private static bool HeaderMatches(IntentionHeaderPermission header, IReadOnlyDictionary<string, string>? headers)
    {
        var value = headers?.FirstOrDefault(h => string.Equals(h.Key, header.Name, StringComparison.OrdinalIgnoreCase)).Value;
        var matches = value is not null && header switch
        {
            { Present: true } => true,
            { Exact: { } exact } => value == exact,
            { Prefix: { } prefix } => value.StartsWith(prefix, StringComparison.Ordinal),
            { Suffix: { } suffix } => value.EndsWith(suffix, StringComparison.Ordinal),
            { Regex: { } regex } => FullMatch(regex, value),
            _ => false,
        };
        return matches != header.Invert;
    }

    // Envoy matches regular expressions against the whole value (RE2 full match).
    private static bool FullMatch(string pattern, string value) =>
        Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.CultureInvariant, RegexTimeout);
}
