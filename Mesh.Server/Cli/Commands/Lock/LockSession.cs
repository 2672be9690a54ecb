using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Lock;

/// <summary>
/// The session a lock recipe holds its keys with (Consul's api lock session): a 15 s TTL on the agent's node,
/// following its serfHealth check, renewed every half TTL until disposed, then destroyed.
/// </summary>
internal sealed class LockSession : IAsyncDisposable
{
    /// <summary>Consul's DefaultLockSessionTTL.</summary>
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);

    private readonly ApiClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private LockSession(ApiClient client, string id)
    {
        _client = client;
        ID = id;
        _renewing = RenewAsync();
    }

    public string ID { get; }

    public static async Task<LockSession> CreateAsync(ApiClient client, string name, CancellationToken cancellationToken) =>
        new(client, await client.SessionCreateAsync(name, "15s", cancellationToken));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.SessionDestroyAsync(ID, timeout.Token);
        }
        catch (Exception ex) when (ex is ApiException or OperationCanceledException)
        {
            // The session is gone with its agent, or will expire by its TTL.
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(Ttl / 2, _stop.Token);
                try
                {
                    if (!await _client.SessionRenewAsync(ID, _stop.Token))
                    {
                        // Invalidated: the recipe's monitor sees its keys lost.
                        return;
                    }
                }
                catch (ApiException)
                {
                    // Renewed on the next period; the TTL's grace covers a missed one.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
