using System.Globalization;

namespace Mesh.Server.Cli.Api;

/// <summary><c>/v1/snapshot</c>: a snapshot archive of the servers' state, saved or restored.</summary>
internal sealed partial class ApiClient
{
    private const string SnapshotPath = "/v1/snapshot";

    /// <summary>Writes the archive to <paramref name="destination"/>; returns the index it holds (X-Consul-Index).</summary>
    public async Task<ulong> SnapshotSaveAsync(bool stale, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, SnapshotPath, new ApiQuery().AddIf(stale, "stale"), null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await response.Content.CopyToAsync(destination, cancellationToken);
        return response.Headers.TryGetValues("X-Consul-Index", out var values)
            && ulong.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : 0;
    }

    public async Task SnapshotRestoreAsync(Stream archive, CancellationToken cancellationToken)
    {
        using var content = new StreamContent(archive);
        using var response = await SendAsync(HttpMethod.Put, SnapshotPath, new ApiQuery(), content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }
}
