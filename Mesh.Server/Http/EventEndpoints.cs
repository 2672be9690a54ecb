using Mesh.Server.Agent.Events;

namespace Mesh.Server.Http;

/// <summary>/v1/event — firing user events over gossip, and the agent's recent ones as a blocking list.</summary>
internal static class EventEndpoints
{
    public static void Map(ConsulRoutes routes)
    {
        routes.MapPut("/event/fire/{**name}", RouteScope.Datacenter, FireAsync);
        routes.MapGet("/event/list", RouteScope.Datacenter, ListAsync);
    }

    /// <summary>The body is the payload; ?node, ?service and ?tag are the filters. Answers the event, LTime 0.</summary>
    private static async Task FireAsync(ConsulCall call)
    {
        var name = call.Route("name");
        if (name.Length == 0)
        {
            throw ConsulHttpException.BadRequest("Missing name");
        }
        var payload = await KvEndpoints.ReadValueAsync(call.Http.Request, call.Aborted).ConfigureAwait(false);
        var fired = call.Services.Events.Fire(name, payload, call.Get("node") ?? "", call.Get("service") ?? "", call.Get("tag") ?? "");
        await call.WriteJsonAsync(fired).ConfigureAwait(false);
    }

    /// <summary>
    /// The events, oldest first, of ?name only when given. With ?index it blocks while the index (of the newest
    /// event, 1 when none) equals it, until a new event or the wait runs out, as Consul's EventList does.
    /// </summary>
    private static async Task ListAsync(ConsulCall call)
    {
        var name = call.Get("name") ?? "";
        // Stopped once answered, so a woken list leaves no timer behind for the rest of its wait.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(call.Aborted);
        var deadline = call.MinIndex == 0 ? null : Task.Delay(call.BlockingWait(), call.Services.Time, stop.Token);
        try
        {
            while (true)
            {
                var (events, changed) = call.Services.Events.Snapshot();
                IReadOnlyList<UserEvent> matching = name.Length == 0 ? events : [.. events.Where(e => e.Name == name)];
                var index = matching.Count == 0 ? 1 : UserEventIndex.FromId(matching[^1].ID);
                if (deadline is not null && index == call.MinIndex && await Task.WhenAny(changed, deadline).ConfigureAwait(false) == changed)
                {
                    continue;
                }
                call.SetIndex(index);
                await call.WriteJsonAsync(matching).ConfigureAwait(false);
                return;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }
}
