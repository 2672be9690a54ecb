using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting.Mesh;

/// <summary>
/// The local mesh agent's HTTP API, found the way Consul's tools find it (<c>MESH_HTTP_ADDR</c>, then
/// <c>CONSUL_HTTP_ADDR</c>) or the Aspire way (<c>ConnectionStrings:mesh</c>), and the blocking GET that every
/// watcher here runs.
/// </summary>
internal sealed class MeshAgent(HttpClient http)
{
    /// <summary>Blocking queries wait this long at most; the client gives up a little after.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    public Uri Address => http.BaseAddress!;

    public static Uri? AddressFrom(IConfiguration configuration)
    {
        var text = configuration["MESH_HTTP_ADDR"] ?? configuration["CONSUL_HTTP_ADDR"] ?? configuration.GetConnectionString("mesh");
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text, UriKind.Absolute, out var address) ? address : null;
    }

    public static MeshAgent Create(Uri address) => new(new HttpClient
    {
        BaseAddress = address,
        Timeout = MaxWait + TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { Accept = { new MediaTypeWithQualityHeaderValue("application/json") } },
    });

    /// <summary>
    /// GET <paramref name="path"/>, blocking until its index passes <paramref name="index"/> (0: at once); null on a 404.
    /// </summary>
    public async Task<(JsonDocument? Body, ulong Index)> GetAsync(string path, ulong index, CancellationToken cancellationToken)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var uri = index == 0 ? path : $"{path}{separator}index={index}&wait={(int)MaxWait.TotalSeconds}s";
        using var response = await http.GetAsync(new Uri(uri, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var newIndex = response.Headers.TryGetValues("X-Consul-Index", out var values) && ulong.TryParse(values.FirstOrDefault(), out var parsed) ? parsed : 0;
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (null, newIndex);
        }
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return (await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false), newIndex);
        }
    }
}
