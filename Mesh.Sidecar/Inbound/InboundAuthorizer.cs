using System.Collections.Concurrent;
using Mesh.Connect.Intentions;
using Mesh.Connect.Proxy;
using Microsoft.AspNetCore.Http;

namespace Mesh.Sidecar.Inbound;

/// <summary>
/// Intentions for one snapshot. The connection-level (L4) answer per source is computed once and cached, so a
/// request pays a dictionary lookup; only a source governed by an L7 intention is evaluated per request.
/// </summary>
public sealed class InboundAuthorizer(ProxySnapshot snapshot)
{
    private readonly ConcurrentDictionary<string, IntentionDecision> _connections = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="source"/> may connect at all; an L7-governed source may, its requests decide.</summary>
    public IntentionDecision Connection(string source) => _connections.GetOrAdd(source, static (s, snap) =>
    {
        var decision = IntentionEvaluator.Evaluate(snap.Intentions, s, snap.Service, request: null, snap.DefaultAllow);
        return decision.Governing is { HasPermissions: true } ? decision with { Allowed = true } : decision;
    }, snapshot);

    /// <summary>
    /// Whether <paramref name="source"/> may open a byte stream (a tcp service): the connection's answer, except that
    /// an L7 intention cannot be checked on bytes and so denies (Consul refuses L7 permissions on a tcp service).
    /// </summary>
    public bool Stream(string source) => Connection(source) is { Allowed: true, Governing: not { HasPermissions: true } };

    /// <summary>The decision for one request: the connection's, unless an L7 intention governs the source.</summary>
    public IntentionDecision Request(string source, HttpRequest request)
    {
        var connection = Connection(source);
        if (connection.Governing is not { HasPermissions: true })
        {
            return connection;
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }
        var info = new HttpRequestInfo(request.Method, request.Path.Value ?? "/", headers);
        return IntentionEvaluator.Evaluate(snapshot.Intentions, source, snapshot.Service, info, snapshot.DefaultAllow);
    }
}
