using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using Mesh.Server.Http.Json;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Mesh.Server.State.Sessions;

namespace Mesh.Server.Http;

/// <summary>/v1/kv/:key — the replicated key/value store.</summary>
internal static class KvEndpoints
{
    /// <summary>Consul's default kv_max_value_size (512 KiB).</summary>
    public const int MaxValueSize = 512 * 1024;

    public static void Map(ConsulRoutes routes)
    {
        routes.MapGet("/kv/{**key}", RouteScope.Replicated, GetAsync);
        routes.MapPut("/kv/{**key}", RouteScope.Replicated, PutAsync);
        routes.MapDelete("/kv/{**key}", RouteScope.Replicated, DeleteAsync);
    }

    private static Task GetAsync(ConsulCall call)
    {
        var key = KeyOf(call);
        if (call.Has("keys"))
        {
            return KeysAsync(call, key);
        }
        if (call.Has("recurse"))
        {
            return ListAsync(call, key);
        }
        return key.Length == 0 ? throw ConsulHttpException.BadRequest("Missing key name") : EntryAsync(call, key);
    }

    private static async Task EntryAsync(ConsulCall call, string key)
    {
        var entry = await call.ReadAsync(new KvGetQuery(key)).ConfigureAwait(false);
        var response = call.Http.Response;
        if (entry is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (call.Has("raw"))
        {
            // Consul's headers for raw values: a stored value must never be sniffed or run as a page by a browser.
            response.ContentType = "text/plain";
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.ContentSecurityPolicy = "sandbox";
            response.ContentLength = entry.Value?.Length ?? 0;
            if (entry.Value is { Length: > 0 } value)
            {
                await response.Body.WriteAsync(value, call.Aborted).ConfigureAwait(false);
            }
            return;
        }
        response.ContentType = ConsulJson.ContentType;
        KvJson.WriteEntries(response.BodyWriter, [entry], call.Pretty);
    }

    private static async Task ListAsync(ConsulCall call, string prefix)
    {
        var entries = await call.ReadAsync(new KvListQuery(prefix)).ConfigureAwait(false);
        var response = call.Http.Response;
        if (entries.Count == 0)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        response.ContentType = ConsulJson.ContentType;
        KvJson.WriteEntries(response.BodyWriter, entries, call.Pretty);
    }

    private static async Task KeysAsync(ConsulCall call, string prefix)
    {
        // "seperator" is Consul's historic spelling, still accepted; the correct one wins.
        var separator = call.Get("separator") ?? call.Get("seperator") ?? "";
        var keys = KeysUnder(await call.ReadAsync(new KvListQuery(prefix)).ConfigureAwait(false), prefix, separator);
        if (keys.Count == 0 && prefix.Length > 0)
        {
            call.Http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await call.WriteJsonAsync(keys).ConfigureAwait(false);
    }

    /// <summary>
    /// The key from the path. Kestrel decodes everything but an escaped slash; Consul (Go) decodes that too,
    /// so "a%2Fb" is the key "a/b".
    /// </summary>
    private static string KeyOf(ConsulCall call) => call.Route("key").Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>The keys under a prefix; with a separator, each run of keys sharing the next segment folds into "segment/".</summary>
    private static List<string> KeysUnder(IReadOnlyList<KvEntry> entries, string prefix, string separator)
    {
        var keys = new List<string>(entries.Count);
        foreach (var entry in entries)
        {
            var cut = separator.Length == 0 ? -1 : entry.Key.IndexOf(separator, prefix.Length, StringComparison.Ordinal);
            var key = cut < 0 ? entry.Key : entry.Key[..(cut + separator.Length)];
            if (keys.Count == 0 || !string.Equals(keys[^1], key, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    private static async Task PutAsync(ConsulCall call)
    {
        var key = KeyOf(call);
        if (key.Length == 0)
        {
            throw ConsulHttpException.BadRequest("Missing key name");
        }
        RejectConflicting(call, "cas", "acquire", "release");
        var flags = call.UInt64("flags") ?? 0;
        var cas = call.UInt64("cas");
        var value = await ReadValueAsync(call.Http.Request, call.Aborted).ConfigureAwait(false);
        if (call.Get("acquire") is { } acquire)
        {
            await call.WriteJsonAsync(await AcquireAsync(call, new KvLock(key, value, flags, acquire)).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }
        if (call.Get("release") is { } release)
        {
            var released = await call.ApplyAsync(new KvUnlock(key, value, flags, release)).ConfigureAwait(false);
            await call.WriteJsonAsync(released.Succeeded).ConfigureAwait(false);
            return;
        }
        var result = await call.ApplyAsync(new KvSet(key, value, flags, cas)).ConfigureAwait(false);
        // A plain set always answers true; only a CAS reports whether its condition held.
        await call.WriteJsonAsync(cas is null || result.Succeeded).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the lock unless the key is still in the lock delay of a session invalidated while holding it: checked
    /// before proposing, against the answering server's own record, as Consul's leader does.
    /// </summary>
    private static async Task<bool> AcquireAsync(ConsulCall call, KvLock acquire)
    {
        var delay = (await call.Services.Reader.QueryAsync(new KvLockDelayQuery(acquire.Key), QueryOptions.Now, call.Aborted).ConfigureAwait(false)).Value;
        if (delay.Remaining > TimeSpan.Zero)
        {
            return false;
        }
        return (await call.ApplyAsync(acquire with { ReleasedAt = delay.ReleasedAt }).ConfigureAwait(false)).Succeeded;
    }

    private static async Task DeleteAsync(ConsulCall call)
    {
        var key = KeyOf(call);
        RejectConflicting(call, "recurse", "cas");
        var recurse = call.Has("recurse");
        if (!recurse && key.Length == 0)
        {
            throw ConsulHttpException.BadRequest("Missing key name");
        }
        var cas = call.UInt64("cas");
        var result = await call.ApplyAsync(new KvDelete(key, recurse, cas)).ConfigureAwait(false);
        await call.WriteJsonAsync(cas is null || result.Succeeded).ConfigureAwait(false);
    }

    /// <summary>Consul refuses parameters that cannot be combined, naming the whole query.</summary>
    private static void RejectConflicting(ConsulCall call, params string[] names)
    {
        if (names.Count(call.Has) > 1)
        {
            var query = string.Join('&', call.Query
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .SelectMany(p => p.Value.Select(v => UrlEncoder.Default.Encode(p.Key) + "=" + UrlEncoder.Default.Encode(v ?? ""))));
            throw ConsulHttpException.BadRequest($"Conflicting flags: {query}\n");
        }
    }

    /// <summary>The raw body as the value (null when empty), refused with 413 past <see cref="MaxValueSize"/>.</summary>
    internal static async Task<byte[]?> ReadValueAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            if (length > MaxValueSize)
            {
                throw TooLarge(length);
            }
            if (length == 0)
            {
                return null;
            }
            var value = new byte[length];
            await request.Body.ReadExactlyAsync(value, cancellationToken).ConfigureAwait(false);
            return value;
        }

        // Chunked: count everything, keep at most the limit.
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var kept = new MemoryStream();
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total <= MaxValueSize)
                {
                    kept.Write(buffer, 0, read);
                }
            }
            return total > MaxValueSize ? throw TooLarge(total) : total == 0 ? null : kept.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ConsulHttpException TooLarge(long length) => new(
        StatusCodes.Status413PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"Request body({length} bytes) too large, max size: {MaxValueSize} bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size."));
}
