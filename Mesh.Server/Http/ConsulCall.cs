using System.Globalization;
using System.Text.Json;
using Mesh.Server.Config;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.Primitives;

namespace Mesh.Server.Http;

/// <summary>
/// One API request with its common query parameters parsed and checked (?pretty, ?dc, ?stale/?consistent,
/// ?index/?wait), and the helpers every endpoint shares: blocking reads with Consul's headers, JSON out, writes.
/// </summary>
internal sealed class ConsulCall
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    public ConsulCall(HttpContext http, ConsulServices services, RouteScope scope)
    {
        Http = http;
        Services = services;
        Query = http.Request.Query;
        Pretty = Query.ContainsKey("pretty");
        if (scope == RouteScope.Local)
        {
            return;
        }

        CheckDatacenter(Get("dc"));
        Consistency = ParseConsistency();
        MinIndex = ParseIndex();
        Wait = ParseWait();
    }

    public HttpContext Http { get; }

    public ConsulServices Services { get; }

    public IQueryCollection Query { get; }

    /// <summary>?pretty: indented JSON.</summary>
    public bool Pretty { get; }

    public Consistency Consistency { get; }

    /// <summary>?index: block until the result's index passes this (0: answer at once).</summary>
    public ulong MinIndex { get; }

    /// <summary>?wait as given (zero when absent).</summary>
    public TimeSpan Wait { get; }

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>A route value ("" when absent), e.g. the key of /v1/kv/{**key}.</summary>
    public string Route(string name) => Http.Request.RouteValues[name] as string ?? "";

    public bool Has(string name) => Query.ContainsKey(name);

    /// <summary>The first value of a query parameter, "" when present without a value, null when absent.</summary>
    public string? Get(string name) => Query.TryGetValue(name, out var values) ? First(values) : null;

    /// <summary>Every value of a repeated query parameter (?tag=a&amp;tag=b).</summary>
    public IReadOnlyList<string> All(string name) =>
        Query.TryGetValue(name, out var values) ? [.. values.Select(v => v ?? "")] : [];

    /// <summary>An unsigned number parameter; a value that is not one is a 400.</summary>
    public ulong? UInt64(string name)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ConsulHttpException.BadRequest($"Invalid value for ?{name}: \"{text}\" is not an unsigned number");
    }

    /// <summary>A boolean parameter as Consul reads it: absent is false, present without a value is true.</summary>
    public bool Flag(string name) => Get(name) switch
    {
        null => false,
        "" or "1" or "t" or "T" or "true" or "True" or "TRUE" => true,
        "0" or "f" or "F" or "false" or "False" or "FALSE" => false,
        _ => throw ConsulHttpException.BadRequest($"Invalid value for ?{name}"),
    };

    /// <summary>A ?dc= (or a body's Datacenter) other than this agent's: Consul's answer when it has no route there.</summary>
    public void CheckDatacenter(string? datacenter)
    {
        if (!string.IsNullOrEmpty(datacenter) && !string.Equals(datacenter, Services.Agent.Datacenter, StringComparison.OrdinalIgnoreCase))
        {
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, "No path to datacenter");
        }
    }

    /// <summary>
    /// Runs a read against the store, blocking per ?index/?wait, and sets X-Consul-Index, X-Consul-KnownLeader,
    /// X-Consul-LastContact and X-Consul-Effective-Consistency.
    /// </summary>
    public async Task<T> ReadAsync<T>(StateQuery<T> query) => (await ReadResultAsync(query).ConfigureAwait(false)).Value;

    /// <summary>As <see cref="ReadAsync{T}"/>, with the query meta, for answers that repeat it in their body.</summary>
    public async Task<QueryResult<T>> ReadResultAsync<T>(StateQuery<T> query)
    {
        var options = new QueryOptions(MinIndex, BlockingWait(), Consistency);
        var result = await Services.Reader.QueryAsync(query, options, Aborted).ConfigureAwait(false);
        SetQueryMeta(result.Index, result.KnownLeader, result.LastContact);
        return result;
    }

    /// <summary>The consistency a read was answered with, as X-Consul-Effective-Consistency and ConsistencyLevel say it.</summary>
    public string EffectiveConsistency => Consistency switch
    {
        Consistency.Consistent => "consistent",
        Consistency.Stale => "stale",
        _ => "leader",
    };

    /// <summary>
    /// Runs a read once, never blocking, and sets only X-Consul-KnownLeader and X-Consul-LastContact (Consul's
    /// read-only transactions, which report no index).
    /// </summary>
    public async Task<QueryResult<T>> ReadOnceAsync<T>(StateQuery<T> query)
    {
        var result = await Services.Reader.QueryAsync(query, new QueryOptions(0, TimeSpan.Zero, Consistency), Aborted).ConfigureAwait(false);
        SetLeaderMeta(result.KnownLeader, result.LastContact);
        return result;
    }

    /// <summary>Applies a write; a command the state rejects is a 500 with its reason, as Consul answers RPC errors.</summary>
    public async Task<ApplyResult> ApplyAsync(StateCommand command)
    {
        var result = await Services.Writer.ApplyAsync(command, Aborted).ConfigureAwait(false);
        return result.Error is { } error ? throw new ConsulHttpException(StatusCodes.Status500InternalServerError, error) : result;
    }

    public Task WriteJsonAsync<T>(T value) => ConsulJson.WriteAsync(Http.Response, value, Pretty, Aborted);

    /// <summary>Reads a JSON request body (Consul matches its field names case-insensitively).</summary>
    public async Task<T> ReadBodyAsync<T>()
        where T : class =>
        await JsonSerializer.DeserializeAsync(Http.Request.Body, ConsulJson.ReadInfo<T>(), Aborted).ConfigureAwait(false)
            ?? throw ConsulHttpException.BadRequest("Request decode failed: the body is null");

    private void SetQueryMeta(ulong index, bool knownLeader, TimeSpan lastContact)
    {
        var headers = Http.Response.Headers;
        headers["X-Consul-Index"] = Math.Max(1, index).ToString(CultureInfo.InvariantCulture);
        SetLeaderMeta(knownLeader, lastContact);
        headers["X-Consul-Effective-Consistency"] = EffectiveConsistency;
    }

    private void SetLeaderMeta(bool knownLeader, TimeSpan lastContact)
    {
        var headers = Http.Response.Headers;
        headers["X-Consul-KnownLeader"] = knownLeader ? "true" : "false";
        headers["X-Consul-LastContact"] = ((long)Math.Clamp(lastContact.TotalMilliseconds, 0, int.MaxValue)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Sets X-Consul-Index alone, for reads that are not of the replicated state (/v1/event/list).</summary>
    public void SetIndex(ulong index) => Http.Response.Headers["X-Consul-Index"] = index.ToString(CultureInfo.InvariantCulture);

    /// <summary>How long a blocking read waits: ?wait within Consul's bounds plus jitter, zero without ?index.</summary>
    public TimeSpan BlockingWait()
    {
        if (MinIndex == 0)
        {
            return TimeSpan.Zero;
        }
        var wait = Wait <= TimeSpan.Zero ? DefaultWait : Wait > MaxWait ? MaxWait : Wait;
        // Up to wait/16 more, as Consul does, so that watchers started together do not all return together.
        return wait + TimeSpan.FromTicks(Random.Shared.NextInt64((wait.Ticks / 16) + 1));
    }

    private Consistency ParseConsistency()
    {
        var stale = Has("stale");
        var consistent = Has("consistent");
        if (stale && consistent)
        {
            throw ConsulHttpException.BadRequest("Cannot specify ?stale with ?consistent, conflicting semantics.");
        }
        if (consistent && Has("cached"))
        {
            throw ConsulHttpException.BadRequest("Cannot specify ?cached with ?consistent, conflicting semantics.");
        }
        return consistent ? Consistency.Consistent : stale ? Consistency.Stale : Consistency.Default;
    }

    private ulong ParseIndex() => Get("index") is { Length: > 0 } text
        ? ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : throw ConsulHttpException.BadRequest("Invalid index")
        : 0;

    private TimeSpan ParseWait() => Get("wait") is { Length: > 0 } text
        ? GoDuration.TryParse(text, out var wait, out _) ? wait : throw ConsulHttpException.BadRequest("Invalid wait time")
        : TimeSpan.Zero;

    private static string First(StringValues values) => values.Count > 0 ? values[0] ?? "" : "";
}
