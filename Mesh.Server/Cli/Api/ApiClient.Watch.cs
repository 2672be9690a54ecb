using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Server.Cli.Api;

/// <summary>Blocking queries as a watch runs them: the raw JSON and X-Consul-Index.</summary>
internal sealed partial class ApiClient
{
    /// <summary>
    /// GET <paramref name="path"/>, blocking until its index passes <paramref name="waitIndex"/> (0: answer at once).
    /// A 404 (a missing key) answers null with the index, as Consul's client does.
    /// </summary>
    public async Task<(JsonNode? Body, ulong Index)> BlockingQueryAsync(string path, ApiQuery query, ulong waitIndex, CancellationToken cancellationToken)
    {
        query.AddIf(waitIndex > 0, "index", waitIndex.ToString(CultureInfo.InvariantCulture));
        using var response = await SendAsync(HttpMethod.Get, path, query, null, cancellationToken);
        var index = response.Headers.TryGetValues("X-Consul-Index", out var values)
            && ulong.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, index);
        }
        await EnsureSuccessAsync(response, cancellationToken);
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return (JsonNode.Parse(text), index);
        }
        catch (JsonException ex)
        {
            throw new ApiException($"Failed to decode response: {ex.Message}");
        }
    }

    /// <summary>The agent's node name (GET /v1/agent/self): what <c>watch</c> asks first to check the agent answers.</summary>
    public async Task<string> AgentNodeNameAsync(CancellationToken cancellationToken)
    {
        var self = await QueryAsync<JsonObject>("/v1/agent/self", new ApiQuery(), cancellationToken);
        return self?["Config"]?["NodeName"]?.GetValue<string>() ?? "";
    }
}
