using System.Globalization;
using Mesh.Server.Config;

namespace Mesh.Server.State.PreparedQueries;

/// <summary>Consul's parseQuery checks of a query to create or update (its messages); null when valid.</summary>
public static class PreparedQueryValidation
{
    /// <summary>What Consul shows instead of a token the reader may not see; storing it is surely a mistake.</summary>
    public const string RedactedToken = "<hidden>";

    public static string? Validate(PreparedQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var error = Parse(query);
        return error is null ? null : "Invalid prepared query: " + error;
    }

    private static string? Parse(PreparedQuery query)
    {
        // Anonymous queries must be bound to a session, so that they cannot pile up forever.
        if (query.Name.Length == 0 && query.Session.Length == 0)
        {
            return "Must be bound to a session";
        }
        if (query.Token == RedactedToken)
        {
            return $"Bad Token '{query.Token}', it looks like a query definition with a redacted token was submitted";
        }
        if (query.Service.Service.Length == 0)
        {
            return "Must provide a Service name to query";
        }
        if (query.Service.NearestN < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Bad NearestN '{query.Service.NearestN}', must be >= 0");
        }
        return DnsTtl(query.DnsTtl);
    }

    private static string? DnsTtl(string ttl)
    {
        if (ttl.Length == 0)
        {
            return null;
        }
        if (!GoDuration.TryParse(ttl, out var duration, out var error))
        {
            // Go's time.ParseDuration prefixes its errors with the package name.
            return $"Bad DNS TTL '{ttl}': time: {error}";
        }
        return duration < TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"DNS TTL '{GoDuration.ToNanoseconds(duration)}', must be >=0")
            : null;
    }
}
