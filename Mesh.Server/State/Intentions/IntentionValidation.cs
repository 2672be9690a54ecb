using System.Text.RegularExpressions;
using Mesh.Connect.Intentions;

namespace Mesh.Server.State.Intentions;

/// <summary>Consul's checks of an intention before it is stored, with its wording; null when valid.</summary>
public static class IntentionValidation
{
    private const int MaxDescription = 512;
    private const int MaxMetaPairs = 64;
    private const int MaxMetaKey = 128;
    private const int MaxMetaValue = 512;

    private static readonly HashSet<string> HttpMethods =
        ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"];

    public static string? Validate(Intention intention)
    {
        ArgumentNullException.ThrowIfNull(intention);
        return Name("SourceName", intention.SourceName)
            ?? Name("DestinationName", intention.DestinationName)
            ?? (intention.SourceType != IntentionAction.SourceTypeConsul ? "SourceType must be set to 'consul'" : null)
            ?? ActionOrPermissions(intention)
            ?? (intention.Description.Length > MaxDescription ? $"Description exceeds maximum length {MaxDescription}" : null)
            ?? Meta(intention.Meta);
    }

    private static string? Name(string field, string name) =>
        name.Length == 0 ? $"{field} must be set"
        : name.Contains('*', StringComparison.Ordinal) && !IntentionPrecedence.IsWildcard(name)
            ? $"{field}: wildcard character '*' cannot be used with partial values"
            : null;

    private static string? ActionOrPermissions(Intention intention)
    {
        if (!intention.HasPermissions)
        {
            return IsAction(intention.Action) ? null : "Action must be set to 'allow' or 'deny'";
        }
        if (intention.Action.Length > 0)
        {
            return "Action must be empty if Permissions are specified";
        }
        for (var i = 0; i < intention.Permissions!.Count; i++)
        {
            if (Permission($"Permissions[{i}]", intention.Permissions[i]) is { } error)
            {
                return error;
            }
        }
        return null;
    }

    private static string? Permission(string at, IntentionPermission permission)
    {
        if (!IsAction(permission.Action))
        {
            return $"{at}.Action must be set to 'allow' or 'deny'";
        }
        if (permission.HTTP is not { } http)
        {
            return $"{at}.HTTP is required";
        }
        var paths = new[] { http.PathExact, http.PathPrefix, http.PathRegex }.Count(p => p is not null);
        if (paths == 0 && http.Header is not { Count: > 0 } && http.Methods is not { Count: > 0 })
        {
            return $"{at}.HTTP should not be empty";
        }
        if (paths > 1)
        {
            return $"{at}.HTTP should only contain at most one of PathExact, PathPrefix, or PathRegex";
        }
        if (http.PathExact is { } exact && !exact.StartsWith('/'))
        {
            return $"{at}.HTTP.PathExact doesn't start with '/': \"{exact}\"";
        }
        if (http.PathPrefix is { } prefix && !prefix.StartsWith('/'))
        {
            return $"{at}.HTTP.PathPrefix doesn't start with '/': \"{prefix}\"";
        }
        if (http.PathRegex is { } regex && BadRegex(regex) is { } regexError)
        {
            return $"{at}.HTTP.PathRegex is not a valid regular expression: {regexError}";
        }
        for (var h = 0; h < (http.Header?.Count ?? 0); h++)
        {
            if (Header($"{at}.HTTP.Header[{h}]", http.Header![h]) is { } error)
            {
                return error;
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in http.Methods ?? [])
        {
            if (!HttpMethods.Contains(method))
            {
                return $"{at}.HTTP.Methods contains an invalid method \"{method}\"";
            }
            if (!seen.Add(method))
            {
                return $"{at}.HTTP.Methods contains \"{method}\" more than once";
            }
        }
        return null;
    }

    private static string? Header(string at, IntentionHeaderPermission header)
    {
        if (header.Name.Length == 0)
        {
            return $"{at} missing required Name field";
        }
        var matchers = (header.Present ? 1 : 0) + new[] { header.Exact, header.Prefix, header.Suffix, header.Regex }.Count(m => m is not null);
        if (matchers != 1)
        {
            return $"{at} should only contain one of Present, Exact, Prefix, Suffix, or Regex";
        }
        return header.Regex is { } regex && BadRegex(regex) is { } error ? $"{at}.Regex is not a valid regular expression: {error}" : null;
    }

    private static bool IsAction(string action) => action is IntentionAction.Allow or IntentionAction.Deny;

    private static string? BadRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    private static string? Meta(Dictionary<string, string> meta)
    {
        if (meta.Count > MaxMetaPairs)
        {
            return $"Meta exceeds maximum element count {MaxMetaPairs}";
        }
        foreach (var (key, value) in meta)
        {
            if (key.Length > MaxMetaKey)
            {
                return $"Meta key \"{key}\" exceeds maximum length {MaxMetaKey}";
            }
            if (value.Length > MaxMetaValue)
            {
                return $"Meta value for key \"{key}\" exceeds maximum length {MaxMetaValue}";
            }
        }
        return null;
    }
}
