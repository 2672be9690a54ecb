namespace Mesh.Server.Http;

/// <summary>One API endpoint's work, given the parsed request.</summary>
internal delegate Task ConsulHandler(ConsulCall call);

/// <summary>
/// Maps the endpoints of the /v1 group. Every endpoint goes through one wrapper: the common query parameters are
/// checked before the handler runs, failures become Consul's plain-text error answers, and the duration is measured.
/// </summary>
internal sealed class ConsulRoutes(RouteGroupBuilder group, ConsulServices services)
{
    private static readonly string[] Get = [HttpMethods.Get];
    private static readonly string[] Post = [HttpMethods.Post];
    private static readonly string[] Put = [HttpMethods.Put];
    private static readonly string[] Delete = [HttpMethods.Delete];

    public void MapGet(string pattern, RouteScope scope, ConsulHandler handler) => Map(Get, pattern, scope, handler);

    public void MapPost(string pattern, RouteScope scope, ConsulHandler handler) => Map(Post, pattern, scope, handler);

    public void MapPut(string pattern, RouteScope scope, ConsulHandler handler) => Map(Put, pattern, scope, handler);

    public void MapDelete(string pattern, RouteScope scope, ConsulHandler handler) => Map(Delete, pattern, scope, handler);

    private void Map(string[] methods, string pattern, RouteScope scope, ConsulHandler handler)
    {
        var route = "/v1" + pattern;
        group.MapMethods(pattern, methods, async context =>
        {
            var started = services.Time.GetTimestamp();
            try
            {
                await handler(new ConsulCall(context, services, scope)).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                await ConsulErrors.WriteAsync(context, error, services.Logger).ConfigureAwait(false);
            }
            finally
            {
                services.Metrics.Record(route, context.Request.Method, context.Response.StatusCode, services.Time.GetElapsedTime(started));
            }
        });
    }
}
