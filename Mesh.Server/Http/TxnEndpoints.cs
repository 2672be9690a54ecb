using System.Globalization;
using System.Text.Json;
using Mesh.Server.Http.Json;
using Mesh.Server.State;
using Mesh.Server.State.Txn;

namespace Mesh.Server.Http;

/// <summary>
/// PUT /v1/txn — several KV, node, service, check and session operations applied atomically as one state command
/// (one Raft entry). A transaction of reads only is answered from the local state without Raft, as Consul's Txn.Read does.
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
        var datacenter = call.Services.Agent.Datacenter;
        var ops = ToOps(await ReadOpsAsync(call).ConfigureAwait(false), datacenter);

        // Consul's preCheck: refused before anything is proposed, reported like a failed operation.
        var invalid = ops.Select((op, i) => (op, i))
            .Where(p => p.op is TxnKvOp { Key.Length: 0, Verb: not TxnKvOp.DeleteTree })
            .Select(p => new TxnError(p.i, "Must provide key"))
            .ToList();
        if (invalid.Count > 0)
        {
            Write(call, new TxnOutcome(null, invalid), readMeta: null, datacenter);
            return;
        }

        if (ops.Any(op => op.IsWrite))
        {
            var applied = await call.ApplyAsync(new TxnApply(ops)).ConfigureAwait(false);
            Write(call, applied.Txn ?? throw new InvalidOperationException("A transaction was applied without an outcome."), readMeta: null, datacenter);
            return;
        }
        var read = await call.ReadOnceAsync(new TxnReadQuery(ops)).ConfigureAwait(false);
        Write(call, read.Value, read, datacenter);
    }

    private static void Write(ConsulCall call, TxnOutcome outcome, QueryResult<TxnOutcome>? readMeta, string datacenter)
    {
        var response = call.Http.Response;
        response.StatusCode = outcome.Errors is null ? StatusCodes.Status200OK : StatusCodes.Status409Conflict;
        response.ContentType = ConsulJson.ContentType;
        TxnJson.Write(response.BodyWriter, outcome, readMeta, datacenter, call.Pretty);
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

    private static List<TxnOp> ToOps(IReadOnlyList<TxnOpBody> ops, string datacenter) =>
    [
        .. ops.Select(TxnOp (op) => op switch
        {
            { KV: { } kv } => ToKvOp(kv),
            { Node: { } node } => ToNodeOp(node, datacenter),
            { Service: { } service } => ToServiceOp(service),
            { Check: { } check } => ToCheckOp(check),
            { Session: { } session } => new TxnSessionOp(session.Verb ?? "", session.Session?.ID ?? ""),
            _ => throw ConsulHttpException.BadRequest("Each operation needs one of KV, Node, Service, Check or Session"),
        }),
    ];

    private static TxnKvOp ToKvOp(TxnKvBody kv)
    {
        var key = kv.Key ?? "";
        if (kv.Value is { Length: > KvEndpoints.MaxValueSize } value)
        {
            throw new ConsulHttpException(StatusCodes.Status413PayloadTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"Value for key {StateStore.Quote(key)} is too large ({value.Length} > {KvEndpoints.MaxValueSize} bytes)"));
        }
        return new TxnKvOp(kv.Verb ?? "", key, kv.Value, kv.Flags, kv.Index, string.IsNullOrEmpty(kv.Session) ? null : kv.Session);
    }

    private static TxnNodeOp ToNodeOp(TxnNodeBody body, string datacenter)
    {
        var node = body.Node;
        return new TxnNodeOp(body.Verb ?? "", new CatalogNode
        {
            ID = node?.ID ?? "",
            Node = node?.Node ?? "",
            Address = node?.Address ?? "",
            Datacenter = datacenter,
            TaggedAddresses = node?.TaggedAddresses ?? [],
            Meta = node?.Meta ?? [],
            ModifyIndex = node?.ModifyIndex ?? 0,
        });
    }

    /// <summary>A set or cas carries a whole service, checked as a register's is; the other verbs only name one by its ID.</summary>
    private static TxnServiceOp ToServiceOp(TxnServiceBody body)
    {
        var verb = body.Verb ?? "";
        var node = body.Node ?? "";
        var fields = body.Service ?? new NodeServiceBody();
        var service = verb is TxnCatalogVerb.Set or TxnCatalogVerb.Cas
            ? CatalogRegistration.ToService(fields, node)
            : new CatalogService { Node = node, ID = fields.ID ?? "", Service = fields.Service ?? "" };
        return new TxnServiceOp(verb, node, service with { ModifyIndex = fields.ModifyIndex });
    }

    private static TxnCheckOp ToCheckOp(TxnCheckBody body)
    {
        var verb = body.Verb ?? "";
        var fields = body.Check ?? new HealthCheckBody();
        var node = fields.Node ?? "";
        var check = verb is TxnCatalogVerb.Set or TxnCatalogVerb.Cas
            ? CatalogRegistration.ToCheck(fields, node)
            : new CatalogCheck { Node = node, CheckID = fields.CheckID ?? "" };
        return new TxnCheckOp(verb, check with { ModifyIndex = fields.ModifyIndex });
    }

    private static ConsulHttpException TooLarge() => new(StatusCodes.Status413PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"Request body too large, max size: {MaxRequestLength} bytes"));
}
