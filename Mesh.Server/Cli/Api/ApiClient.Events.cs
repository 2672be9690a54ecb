using System.Text.Json.Nodes;

namespace Mesh.Server.Cli.Api;

/// <summary><c>/v1/event</c>: user events.</summary>
internal sealed partial class ApiClient
{
    /// <summary>Fires a user event (<c>PUT /v1/event/fire/:name</c>) and returns its ID.</summary>
    public async Task<string> EventFireAsync(string name, byte[]? payload, string node, string service, string tag, CancellationToken cancellationToken)
    {
        var query = new ApiQuery()
            .AddIf(node.Length > 0, "node", node)
            .AddIf(service.Length > 0, "service", service)
            .AddIf(tag.Length > 0, "tag", tag);
        var body = await WriteAsync(HttpMethod.Put, "/v1/event/fire/" + Uri.EscapeDataString(name), query, payload, cancellationToken);
        try
        {
            return JsonNode.Parse(body)?["ID"]?.GetValue<string>() ?? throw new ApiException("Failed to decode response: no event ID");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ApiException($"Failed to decode response: {ex.Message}");
        }
    }
}
