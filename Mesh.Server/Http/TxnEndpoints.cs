using System.Globalization;
using System.Text.Json;
using Mesh.Server.Http.Json;
using Mesh.Server.State;
using Mesh.Server.State.Txn;

namespace Mesh.Server.Http;

/// <summary>
/// PUT /v1/txn — several KV operations applied atomically as one state command (one Raft entry). A transaction
/// of reads only is answered from the local state without Raft, as Consul's Txn.Read does.
/// </summary>
internal static class TxnEndpoints
{
    /// <summary>Consul's maxTxnOps.</summary>
    public const int MaxOperations = 64;

    /// <summary>Consul's txn_max_req_len default, which is also kv_max_value_size's.</summary>
    private const int MaxRequestLength = KvEndpoints.MaxValueSize;

    public static void Map(ConsulRoutes routes) => routes.MapPut("/txn", RouteScope.Replicated, ApplyAsync);

    private static async Task ApplyAsync(ConsulCall call)
    {
        var ops = ToOps(await ReadOpsAsync(call).ConfigureAwait(false));

        // Consul's preCheck: refused before anything is proposed, reported like a failed operation.
        var invalid = ops.Select((op, i) => (op, i))
            .Where(p => p.op.Key.Length == 0 && p.op.Verb != TxnKvOp.DeleteTree)
            .Select(p => new TxnError(p.i, "Must provide key"))
            .ToList();
        if (invalid.Count > 0)
        {
            Write(call, new TxnOutcome(null, invalid), readMeta: null);
            return;
        }

        if (ops.Any(op => op.IsWrite))
        {
            var applied = await call.ApplyAsync(new TxnApply(ops)).ConfigureAwait(false);
            Write(call, applied.Txn ?? throw new InvalidOperationException("A transaction was applied without an outcome."), readMeta: null);
            return;
        }
        var read = await call.ReadOnceAsync(new TxnReadQuery(ops)).ConfigureAwait(false);
        Write(call, read.Value, read);
    }

    private static void Write(ConsulCall call, TxnOutcome outcome, QueryResult<TxnOutcome>? readMeta)
    {
        var response = call.Http.Response;
        response.StatusCode = outcome.Errors is null ? StatusCodes.Status200OK : StatusCodes.Status409Conflict;
        response.ContentType = ConsulJson.ContentType;
        TxnJson.Write(response.BodyWriter, outcome, readMeta, call.Pretty);
    }

    /// <summary>The body as operations, with Consul's limits on its length and on how many there are.</summary>
    private static async Task<IReadOnlyList<TxnOpBody>> ReadOpsAsync(ConsulCall call)
    {
        var request = call.Http.Request;
        if (request.ContentLength > MaxRequestLength)
        {
            throw TooLarge();
        }
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, call.Aborted).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxRequestLength)
            {
                throw TooLarge();
            }
            body.Write(buffer, 0, read);
        }

        List<TxnOpBody>? ops;
        try
        {
            ops = JsonSerializer.Deserialize(body.GetBuffer().AsSpan(0, (int)body.Length), ConsulJson.ReadInfo<List<TxnOpBody>>());
        }
        catch (JsonException ex)
        {
            throw ConsulHttpException.BadRequest($"Failed to parse body: {ex.Message}");
        }
        ops ??= [];
        if (ops.Count > MaxOperations)
        {
            throw new ConsulHttpException(StatusCodes.Status413PayloadTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"Transaction contains too many operations ({ops.Count} > {MaxOperations})"));
        }
        return ops;
    }

    private static List<TxnKvOp> ToOps(IReadOnlyList<TxnOpBody> ops)
    {
        var converted = new List<TxnKvOp>(ops.Count);
        foreach (var op in ops)
        {
            if (op.KV is not { } kv)
            {
                // Node, Service, Check and Session operations exist in Consul's API; this agent runs KV ones only.
                throw ConsulHttpException.BadRequest("Only KV operations are supported in transactions by this agent");
            }
            var key = kv.Key ?? "";
            if (kv.Value is { Length: > KvEndpoints.MaxValueSize } value)
            {
                throw new ConsulHttpException(StatusCodes.Status413PayloadTooLarge,
                    string.Create(CultureInfo.InvariantCulture, $"Value for key {StateStore.Quote(key)} is too large ({value.Length} > {KvEndpoints.MaxValueSize} bytes)"));
            }
            converted.Add(new TxnKvOp(kv.Verb ?? "", key, kv.Value, kv.Flags, kv.Index, string.IsNullOrEmpty(kv.Session) ? null : kv.Session));
        }
        return converted;
    }

    private static ConsulHttpException TooLarge() => new(StatusCodes.Status413PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"Request body too large, max size: {MaxRequestLength} bytes"));
}
