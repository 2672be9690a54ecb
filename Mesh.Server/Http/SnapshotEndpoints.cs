using System.Globalization;
using Mesh.Server.Cluster;
using Mesh.Server.State.Queries;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Server.Http;

/// <summary>
/// /v1/snapshot — GET saves the whole state as a snapshot archive (X-Consul-Index: the index it holds), PUT
/// restores one on every server. A damaged archive is refused with its reason (a 500, as Consul answers) and
/// changes nothing.
/// </summary>
internal static class SnapshotEndpoints
{
    // What Go's http.DetectContentType calls a gzip stream, which Consul's answer is.
    private const string ArchiveContentType = "application/x-gzip";

    public static void Map(ConsulRoutes routes)
    {
        routes.MapGet("/snapshot", RouteScope.Replicated, SaveAsync);
        routes.MapPut("/snapshot", RouteScope.Datacenter, RestoreAsync);
    }

    private static async Task SaveAsync(ConsulCall call)
    {
        var snapshot = await OperatorEndpoints.RaftOperationAsync(
            () => call.Services.Operator.SaveSnapshotAsync(call.Consistency == Consistency.Stale, call.Aborted)).ConfigureAwait(false);
        var response = call.Http.Response;
        response.Headers["X-Consul-Index"] = Math.Max(1, snapshot.Index).ToString(CultureInfo.InvariantCulture);
        response.ContentType = ArchiveContentType;
        response.ContentLength = snapshot.Archive.Length;
        await response.Body.WriteAsync(snapshot.Archive, call.Aborted).ConfigureAwait(false);
    }

    private static async Task RestoreAsync(ConsulCall call)
    {
        if (call.Has("stale"))
        {
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, "stale not allowed for restore");
        }
        // A snapshot is as large as the state; Kestrel's default body limit (30 MB) is not Consul's.
        if (call.Http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
        try
        {
            await StateSnapshots.RestoreAsync(call.Services.Writer, call.Http.Request.Body, call.Aborted).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, ex.Message);
        }
    }
}
