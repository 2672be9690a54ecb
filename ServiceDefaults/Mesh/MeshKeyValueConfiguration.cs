using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.Hosting.Mesh;

/// <summary>The mesh KV under a prefix as configuration, reloaded when a blocking query sees it change.</summary>
internal sealed class MeshKeyValueConfigurationSource(Uri agent, string prefix, TimeProvider time) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new MeshKeyValueConfigurationProvider(agent, prefix, time);
}

/// <summary>
/// <c>&lt;prefix&gt;/Section/Key</c> becomes <c>Section:Key</c>. The first load waits briefly for the agent; an
/// agent that is not up yet leaves the configuration empty until it answers.
/// </summary>
internal sealed class MeshKeyValueConfigurationProvider : ConfigurationProvider, IDisposable
{
    private static readonly TimeSpan FirstLoadTimeout = TimeSpan.FromSeconds(5);
    private readonly string _prefix;
    private readonly BlockingWatch _watch;

    public MeshKeyValueConfigurationProvider(Uri agent, string prefix, TimeProvider time)
    {
        _prefix = prefix.TrimStart('/');
        // Stale reads, as Consul's config tools use: any server answers, and the leader carries no long poll per app.
        _watch = new BlockingWatch(MeshAgent.Create(agent), $"/v1/kv/{Uri.EscapeDataString(_prefix).Replace("%2F", "/", StringComparison.Ordinal)}?recurse&stale", OnChange, time, NullLogger.Instance);
    }

    public override void Load()
    {
        try
        {
            using var first = new CancellationTokenSource(FirstLoadTimeout);
            // Configuration loads synchronously; the fetch runs on the pool so that no caller's context can deadlock it.
            using var body = Task.Run(() => _watch.StartAsync(first.Token), first.Token).GetAwaiter().GetResult();
            Data = Parse(body);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException)
        {
            _watch.StartFollowing();
        }
    }

    private void OnChange(JsonDocument? body)
    {
        using (body)
        {
            Data = Parse(body);
        }
        OnReload();
    }

    private Dictionary<string, string?> Parse(JsonDocument? body)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (body is null)
        {
            return data;
        }
        foreach (var entry in body.RootElement.EnumerateArray())
        {
            var key = entry.GetProperty("Key").GetString()!;
            var relative = key[Math.Min(_prefix.Length, key.Length)..].Trim('/');
            // Folders ("a/b/") carry no value of their own.
            if (relative.Length == 0 || key.EndsWith('/'))
            {
                continue;
            }
            var value = entry.GetProperty("Value");
            data[relative.Replace('/', ':')] = value.ValueKind == JsonValueKind.Null ? "" : Encoding.UTF8.GetString(value.GetBytesFromBase64());
        }
        return data;
    }

    // Configuration disposes its providers under its own lock, which a reload from the watch also takes: waiting
    // here for the watch to finish could wait forever. The watch ends by itself once stopped.
    public void Dispose() => _watch.Stop();
}
