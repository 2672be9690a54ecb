using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Samples.Dashboard;

/// <summary>Asks the counting service for the next count, and turns any failure into the reason the page shows.</summary>
internal sealed class CountingClient(HttpClient http)
{
    public async Task<Reading> FetchAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // A sidecar that refuses says why in the body (the intention that denied, the failed handshake).
                var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
                return Reading.Unreachable($"{(int)response.StatusCode} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body : "")}");
            }
            var count = await response.Content.ReadFromJsonAsync(DashboardJson.Default.CountReply, cancellationToken)
                ?? throw new HttpRequestException("counting answered with an empty body");
            return new Reading(count.Count, count.Hostname, null, null);
        }
        catch (HttpRequestException ex)
        {
            return Reading.Unreachable(ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Reading.Unreachable($"no answer within {http.Timeout.TotalSeconds:0} s");
        }
    }
}

/// <summary>What the counting service answers.</summary>
internal sealed record CountReply(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("hostname")] string Hostname);

/// <summary>One update of the page: the count, or why there is none.</summary>
internal sealed record Reading(
    [property: JsonPropertyName("count")] long? Count,
    [property: JsonPropertyName("hostname")] string? Hostname,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("reason")] string? Reason)
{
    public const string UnreachableMessage = "Counting service is unreachable";

    public static Reading Unreachable(string reason) => new(null, null, UnreachableMessage, reason);
}

/// <summary>What the page takes from configuration.</summary>
internal sealed record Settings([property: JsonPropertyName("title")] string Title);

[JsonSerializable(typeof(Settings))]
[JsonSerializable(typeof(CountReply))]
[JsonSerializable(typeof(Reading))]
internal sealed partial class DashboardJson : JsonSerializerContext;
