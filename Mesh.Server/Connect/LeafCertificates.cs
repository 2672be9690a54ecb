using System.Collections.Concurrent;
using Mesh.Server.State.ConnectCa;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Connect;

/// <summary>
/// The agent's leaf certificates, one per service (Consul's agent cache of ConnectCALeaf): signed on first use,
/// renewed once half its life (plus jitter, so that leaves signed together do not renew together) has passed or
/// the active root changed. Each new leaf gets a higher index, which blocking queries wait on.
/// </summary>
public sealed class LeafCertificates(IStateReader reader, ILeafSigner signer, TimeProvider time)
{
    public const string NotInitialized = "the Connect CA is not initialized yet";

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// The current leaf of <paramref name="service"/>. With <paramref name="minIndex"/> above 0, waits up to
    /// <paramref name="wait"/> for a leaf with a higher index (a renewal or a rotation), then answers the current one.
    /// </summary>
    public async Task<IndexedLeaf> GetAsync(string service, ulong minIndex, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var ca = (await reader.QueryAsync(new ConnectCaQuery(), QueryOptions.Now, cancellationToken).ConfigureAwait(false)).Value;
            var leaf = await CurrentAsync(service, ca, cancellationToken).ConfigureAwait(false);
            var remaining = deadline - time.GetUtcNow();
            if (minIndex == 0 || leaf.Index > minIndex || remaining <= TimeSpan.Zero)
            {
                return leaf;
            }
            await WaitForChangeAsync(ca.Index, leaf.RenewAt - time.GetUtcNow(), remaining, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IndexedLeaf> CurrentAsync(string service, ConnectCaState ca, CancellationToken cancellationToken)
    {
        if (ca.ActiveRoot is not { } root)
        {
            throw new InvalidOperationException(NotInitialized);
        }
        var slot = _slots.GetOrAdd(service, _ => new Slot());
        await slot.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (slot.Leaf is { } current && current.Certificate.RootID == root.ID && now < current.RenewAt)
            {
                return current;
            }
            var key = LeafKey.Create(service);
            var signed = await signer.SignAsync(service, key.CsrPem, cancellationToken).ConfigureAwait(false) with { PrivateKeyPEM = key.PrivateKeyPem };
            var life = signed.ValidBefore - signed.ValidAfter;
            var renewAt = signed.ValidAfter + (life * (0.5 + (Random.Shared.NextDouble() * 0.1)));
            var index = Math.Max(ca.Index, (slot.Leaf?.Index ?? 0) + 1);
            slot.Leaf = new IndexedLeaf(signed, index, renewAt);
            return slot.Leaf;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Returns once the CA changed past <paramref name="caIndex"/>, the leaf is due for renewal, or the wait is over.</summary>
    private async Task WaitForChangeAsync(ulong caIndex, TimeSpan untilRenewal, TimeSpan remaining, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rootChange = reader.QueryAsync(new ConnectCaQuery(), new QueryOptions(caIndex, remaining), waiting.Token);
        var renewal = Task.Delay(untilRenewal < remaining ? Max(untilRenewal, TimeSpan.Zero) : remaining, time, waiting.Token);
        await Task.WhenAny(rootChange, renewal).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var task in new Task[] { rootChange, renewal })
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The loser, cancelled above: the caller reads the state again either way.
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Slot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public IndexedLeaf? Leaf { get; set; }
    }
}

/// <summary>A leaf with the index blocking queries see and when the agent renews it.</summary>
public sealed record IndexedLeaf(LeafCertificate Certificate, ulong Index, DateTimeOffset RenewAt);
