using System.Text;
using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;

namespace Mesh.Raft.Node;

/// <summary>
/// The client API on the HTTP/1.1 port. A follower refuses writes and reads with 421 Misdirected Request and the
/// leader's id; a leader that cannot take the request now (not ready, entry lost to a leader change) answers 503.
/// Neither answer means the increment was applied, nor that it was not: only a 200 acknowledges one.
/// </summary>
internal static class NodeEndpoints
{
    private const int MaxIdBytes = 256;

    public static void Map(WebApplication app, RaftHost host, CounterMachine machine, int httpPort)
    {
        var port = $"*:{httpPort}";
        app.MapPost("/increment", (HttpRequest request) => IncrementAsync(request, host)).RequireHost(port);
        app.MapGet("/value", (string? consistency, CancellationToken cancellationToken) => ValueAsync(consistency, host, machine, cancellationToken)).RequireHost(port);
        app.MapGet("/ids", () => Results.Json(machine.Entries(), NodeJson.Default.AppliedIdArray)).RequireHost(port);
        app.MapGet("/status", () => Results.Json(Status(host, machine), NodeJson.Default.NodeStatus)).RequireHost(port);
    }

    private static async Task<IResult> IncrementAsync(HttpRequest request, RaftHost host)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        if (request.ContentLength > MaxIdBytes)
        {
            return BadId(host);
        }
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        var id = body.ToArray();
        if (id.Length is 0 or > MaxIdBytes || !Encoding.UTF8.GetString(id).Any(c => !char.IsWhiteSpace(c)))
        {
            return BadId(host);
        }
        return await AnswerAsync(
            host,
            async () => Results.Json(new IncrementResult((await host.ProposeAsync(id, cancellationToken).ConfigureAwait(false)).Index), NodeJson.Default.IncrementResult),
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> ValueAsync(string? consistency, RaftHost host, CounterMachine machine, CancellationToken cancellationToken)
    {
        ReadConsistency? level = consistency switch
        {
            null or "readindex" => ReadConsistency.ReadIndex,
            "lease" => ReadConsistency.Lease,
            _ => null,
        };
        if (level is not { } read)
        {
            return Results.Json(new Refusal($"consistency takes lease or readindex, not \"{consistency}\"", host.LeaderId), NodeJson.Default.Refusal, statusCode: StatusCodes.Status400BadRequest);
        }
        return await AnswerAsync(host, async () =>
        {
            await host.ReadAsync(read, cancellationToken).ConfigureAwait(false);
            return Results.Json(machine.Value(), NodeJson.Default.CounterValue);
        },
        cancellationToken).ConfigureAwait(false);
    }

    private static IResult BadId(RaftHost host) =>
        Results.Json(new Refusal($"the body must be an id of 1 to {MaxIdBytes} bytes", host.LeaderId), NodeJson.Default.Refusal, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Runs a request on the leader; turns the engine's refusals into 421 (not the leader) and 503 (try again).</summary>
    private static async Task<IResult> AnswerAsync(RaftHost host, Func<Task<IResult>> request, CancellationToken cancellationToken)
    {
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (NotLeaderException e)
        {
            return Results.Json(new Refusal("this server is not the leader", e.LeaderId), NodeJson.Default.Refusal, statusCode: StatusCodes.Status421MisdirectedRequest);
        }
        catch (RaftRequestRejectedException e)
        {
            return Results.Json(new Refusal(e.Message, host.LeaderId), NodeJson.Default.Refusal, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception e) when (e is InvalidOperationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The server failed (a disk or state machine error stops it) or is shutting down.
            return Results.Json(new Refusal(e.Message, null), NodeJson.Default.Refusal, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static NodeStatus Status(RaftHost host, CounterMachine machine) => new(
        host.Id,
        host.Role.ToString().ToLowerInvariant(),
        host.Term,
        host.LeaderId,
        host.CommitIndex,
        host.AppliedIndex,
        host.LastLogIndex,
        host.LogSyncs,
        host.Snapshot?.Index ?? 0,
        machine.Restores,
        host.Failure?.Message);
}
