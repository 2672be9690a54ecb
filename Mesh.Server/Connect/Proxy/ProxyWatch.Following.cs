using Mesh.Connect.Intentions;
using Mesh.Server.Checks;
using Mesh.Server.State;
using Mesh.Server.State.ConnectCa;
using Mesh.Server.State.Intentions;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Connect.Proxy;

internal sealed partial class ProxyWatch
{
    // Long polls, as Consul's proxycfg uses; a change answers them at once.
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private List<Task> StartFollowing(ProxyRegistration proxy, CancellationToken cancellationToken)
    {
        var service = proxy.DestinationName;
        var followers = new List<Task>
        {
            FollowAsync(new IntentionsQuery(), all => Update(p => p with { Intentions = Concerning(all, service) }), cancellationToken),
            FollowAsync(new ConnectCaQuery(), ca => Update(p => p with { Ca = ca }), cancellationToken),
            FollowLeafAsync(service, cancellationToken),
        };
        foreach (var upstream in proxy.Upstreams)
        {
            followers.Add(FollowAsync(
                new ServiceEntriesQuery(upstream.DestinationName, Connect: true),
                entries => Update(p => p.WithInstances(upstream.DestinationName, DestinationSidecars.From(entries, Healthy(entries)))),
                cancellationToken));
        }
        return followers;
    }

    /// <summary>A blocking-query loop: stores each new result; on a failure (no leader, no server) retries, keeping the last.</summary>
    private async Task FollowAsync<T>(StateQuery<T> query, Action<T> store, CancellationToken cancellationToken)
    {
        var index = 0UL;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var result = await reader.QueryAsync(query, new QueryOptions(index, MaxWait, Consistency.Stale), cancellationToken).ConfigureAwait(false);
                if (first || result.Index != index)
                {
                    store(result.Value);
                    first = false;
                }
                // An index that went backwards (a restored snapshot) restarts the wait from the beginning.
                index = result.Index < index ? 0 : result.Index;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Proxy {Query} watch failed, retrying: {Error}", query.GetType().Name, ex.Message);
                await DelayAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task FollowLeafAsync(string service, CancellationToken cancellationToken)
    {
        var index = 0UL;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var leaf = await leaves.GetAsync(service, index, MaxWait, cancellationToken).ConfigureAwait(false);
                if (leaf.Index != index)
                {
                    Update(p => p with { Leaf = leaf.Certificate });
                    index = leaf.Index;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Proxy leaf watch for {Service} failed, retrying: {Error}", service, ex.Message);
                await DelayAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DelayAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(RetryAfter, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller's loop ends on the cancellation.
        }
    }

    private static List<Intention> Concerning(IReadOnlyList<Intention> all, string service) =>
        [.. all.Where(i => IntentionPrecedence.IsWildcard(i.DestinationName) || i.DestinationName == service)];

    /// <summary>What <c>?passing</c> keeps: instances whose every check passes.</summary>
    private static List<ServiceEntry> Healthy(IReadOnlyList<ServiceEntry> entries) =>
        [.. entries.Where(e => e.Checks.All(c => c.Status == HealthStatus.Passing))];
}
