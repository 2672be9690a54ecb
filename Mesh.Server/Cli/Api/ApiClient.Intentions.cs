using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Server.Cli.Api;

/// <summary>Consul's api.Intention, as far as the CLI shows or writes it.</summary>
internal sealed record ApiIntention
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string ID { get; init; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string Description { get; init; } = "";
    public string SourceName { get; init; } = "";
    public string DestinationName { get; init; } = "";
    public string SourceType { get; init; } = "consul";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string Action { get; init; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<JsonElement>? Permissions { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Meta { get; init; }
    public int Precedence { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>api.Intention.String(): "web => db (allow)".</summary>
    public override string ToString() => $"{SourceName} => {DestinationName} ({Action})";
}

/// <summary><c>/v1/connect/intentions</c>: by name (exact) and, for the one-argument forms, by ID.</summary>
internal sealed partial class ApiClient
{
    private const string IntentionsPath = "/v1/connect/intentions";

    public async Task<IReadOnlyList<ApiIntention>> IntentionsAsync(CancellationToken cancellationToken) =>
        await QueryAsync<List<ApiIntention>>(IntentionsPath, new ApiQuery(), cancellationToken) ?? [];

    /// <summary>The pair's intention, null when there is none.</summary>
    public Task<ApiIntention?> IntentionGetExactAsync(string source, string destination, CancellationToken cancellationToken) =>
        QueryAsync<ApiIntention>(IntentionsPath + "/exact", Pair(source, destination), cancellationToken, notFoundIsEmpty: true);

    public Task<ApiIntention?> IntentionGetAsync(string id, CancellationToken cancellationToken) =>
        QueryAsync<ApiIntention>(IntentionsPath + "/" + Uri.EscapeDataString(id), new ApiQuery(), cancellationToken, notFoundIsEmpty: true);

    /// <summary>Legacy create; fails when the pair already has an intention.</summary>
    public Task IntentionCreateAsync(ApiIntention intention, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Post, IntentionsPath, new ApiQuery(), Body(intention), cancellationToken);

    /// <summary>Creates or replaces the pair's intention.</summary>
    public Task IntentionUpsertAsync(ApiIntention intention, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, IntentionsPath + "/exact", Pair(intention.SourceName, intention.DestinationName), Body(intention), cancellationToken);

    public Task IntentionDeleteExactAsync(string source, string destination, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Delete, IntentionsPath + "/exact", Pair(source, destination), null, cancellationToken);

    public Task IntentionDeleteAsync(string id, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Delete, IntentionsPath + "/" + Uri.EscapeDataString(id), new ApiQuery(), null, cancellationToken);

    public async Task<bool> IntentionCheckAsync(string source, string destination, CancellationToken cancellationToken) =>
        (await QueryAsync<IntentionCheck>(IntentionsPath + "/check", Pair(source, destination), cancellationToken))?.Allowed ?? false;

    /// <summary>The intentions that apply to <paramref name="name"/> as a source or destination, most specific first.</summary>
    public async Task<IReadOnlyList<ApiIntention>> IntentionMatchAsync(bool bySource, string name, CancellationToken cancellationToken)
    {
        var query = new ApiQuery().Add("by", bySource ? "source" : "destination").Add("name", name);
        var matches = await QueryAsync<Dictionary<string, List<ApiIntention>>>(IntentionsPath + "/match", query, cancellationToken);
        return matches?.GetValueOrDefault(name) ?? [];
    }

    private static ApiQuery Pair(string source, string destination) => new ApiQuery().Add("source", source).Add("destination", destination);

    private static byte[] Body(ApiIntention intention) => JsonSerializer.SerializeToUtf8Bytes(intention, Json);

    private sealed record IntentionCheck(bool Allowed);
}
