using System.Text.Json;

namespace Mesh.Server.Cli.Api;

/// <summary><c>/v1/connect/ca/configuration</c>: the Connect CA's configuration.</summary>
internal sealed partial class ApiClient
{
    public async Task<JsonElement> ConnectCaGetConfigAsync(CancellationToken cancellationToken) =>
        await QueryAsync<JsonElement>("/v1/connect/ca/configuration", new ApiQuery(), cancellationToken);

    /// <summary>Sends a configuration as given (JSON).</summary>
    public Task ConnectCaSetConfigAsync(byte[] configuration, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, "/v1/connect/ca/configuration", new ApiQuery(), configuration, cancellationToken);
}
