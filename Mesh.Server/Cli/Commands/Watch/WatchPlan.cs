using System.Text.Json.Nodes;
using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Watch;

/// <summary>
/// Consul's watch.Plan loop: a blocking query at the last index, the handler called only when the index moved
/// and the result changed, the index reset to 0 when it goes backwards (a restored snapshot, a new leader
/// behind), and a quadratic back-off on errors.
/// </summary>
internal sealed class WatchPlan(WatchSource source, ApiClient client, CliContext context, TimeProvider time)
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(180);

    /// <summary>Runs until <paramref name="handler"/> answers false (stop) or the token is cancelled.</summary>
    public async Task RunAsync(Func<ulong, JsonNode?, Task<bool>> handler, CancellationToken cancellationToken)
    {
        ulong? lastIndex = null;
        JsonNode? lastResult = null;
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            JsonNode? body;
            ulong index;
            try
            {
                (body, index) = await client.BlockingQueryAsync(source.Path, source.Query(), lastIndex ?? 0, cancellationToken);
            }
            catch (ApiException ex)
            {
                failures++;
                lastIndex = null;
                var retry = RetryInterval * (failures * failures);
                retry = retry > MaxBackoff ? MaxBackoff : retry;
                context.Fail($"[ERROR] watch: Watch errored: type={source.Type} error=\"{ex.Message}\" retry={retry.TotalSeconds}s");
                await Task.Delay(retry, time, cancellationToken);
                continue;
            }
            failures = 0;

            if (lastIndex == index)
            {
                // The wait ran out with nothing new.
                continue;
            }
            var previous = lastIndex;
            lastIndex = previous > index && !source.HashedIndex ? 0 : index;
            var result = source.Shape(body, previous ?? 0);
            if (previous is not null && JsonNode.DeepEquals(lastResult, result))
            {
                continue;
            }
            lastResult = result;
            if (!await handler(index, result))
            {
                return;
            }
        }
    }
}
