using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Server.Cli.Api;

/// <summary>One gossip pool's keys as <c>/v1/operator/keyring</c> lists them.</summary>
internal sealed record KeyringEntry
{
    public bool WAN { get; init; }
    public string Datacenter { get; init; } = "";
    public string Segment { get; init; } = "";
    public Dictionary<string, string>? Messages { get; init; }
    public Dictionary<string, int>? Keys { get; init; }
    public Dictionary<string, int>? PrimaryKeys { get; init; }
    public int NumNodes { get; init; }
}

/// <summary><c>/v1/operator</c>: pool-wide operations.</summary>
internal sealed partial class ApiClient
{
    private const string KeyringPath = "/v1/operator/keyring";

    // Keys go as Go writes them: base64's '+' unescaped.
    private static readonly JsonSerializerOptions KeyBody = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<IReadOnlyList<KeyringEntry>> OperatorKeyringListAsync(int relayFactor, bool localOnly, CancellationToken cancellationToken) =>
        await QueryAsync<List<KeyringEntry>>(KeyringPath, RelayFactor(relayFactor).AddIf(localOnly, "local-only", "true"), cancellationToken) ?? [];

    public Task OperatorKeyringInstallAsync(string key, int relayFactor, CancellationToken cancellationToken) =>
        KeyringWriteAsync(HttpMethod.Post, key, relayFactor, cancellationToken);

    public Task OperatorKeyringUseAsync(string key, int relayFactor, CancellationToken cancellationToken) =>
        KeyringWriteAsync(HttpMethod.Put, key, relayFactor, cancellationToken);

    public Task OperatorKeyringRemoveAsync(string key, int relayFactor, CancellationToken cancellationToken) =>
        KeyringWriteAsync(HttpMethod.Delete, key, relayFactor, cancellationToken);

    private Task KeyringWriteAsync(HttpMethod method, string key, int relayFactor, CancellationToken cancellationToken) =>
        WriteAsync(method, KeyringPath, RelayFactor(relayFactor), JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["Key"] = key }, KeyBody), cancellationToken);

    // Consul's client sends the relay factor only when it is set.
    private static ApiQuery RelayFactor(int relayFactor) =>
        new ApiQuery().AddIf(relayFactor != 0, "relay-factor", relayFactor.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
