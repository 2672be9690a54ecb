using System.Text.Json;
using Mesh.Connect.Proxy;
using Mesh.Server.Agent;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Connect.Proxy;

/// <summary>
/// One sidecar's configuration, followed for as long as it is connected (Consul's proxycfg state): the proxy's
/// local registration, and for it blocking queries on its intentions, the CA roots, its leaf and the healthy
/// sidecars of each upstream. Any change publishes a whole new <see cref="ProxySnapshot"/>; a registration
/// change restarts the queries that depend on it.
/// </summary>
internal sealed partial class ProxyWatch(
    LocalAgent agent,
    IStateReader reader,
    LeafCertificates leaves,
    ProxyWatchOptions options,
    TimeProvider time,
    ILogger logger)
{
    private TaskCompletionSource _changed = NewSignal();
    private readonly Lock _gate = new();
    private ProxyParts _parts = ProxyParts.Empty;
    private string? _published;
    private ulong _version;

    /// <summary>Publishes a snapshot as soon as every part is known and again after each change, until cancelled.</summary>
    public async Task RunAsync(ProxyWatchRequest request, Func<ProxySnapshot, Task> publish, CancellationToken cancellationToken)
    {
        while (true)
        {
            var registrationChanged = agent.ServicesChanged;
            var proxy = ProxyRegistration.Resolve(agent, request)
                ?? throw new ProxyNotFoundException(request);
            using var following = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lock (_gate)
            {
                _parts = ProxyParts.Empty with { Proxy = proxy };
            }
            var followers = StartFollowing(proxy, following.Token);
            try
            {
                while (!registrationChanged.IsCompleted)
                {
                    var changed = Volatile.Read(ref _changed);
                    await Task.WhenAny(changed.Task, registrationChanged).WaitAsync(cancellationToken).ConfigureAwait(false);
                    // Re-armed before the parts are read: an update after the read wakes the next wait.
                    if (changed.Task.IsCompleted)
                    {
                        Interlocked.CompareExchange(ref _changed, NewSignal(), changed);
                    }
                    if (Build() is { } snapshot)
                    {
                        await publish(snapshot).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                await following.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(followers).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The next snapshot, or null while a part is missing or nothing changed since the last one.</summary>
    private ProxySnapshot? Build()
    {
        ProxyParts parts;
        lock (_gate)
        {
            parts = _parts;
        }
        if (parts.ToSnapshot(options) is not { } snapshot)
        {
            return null;
        }
        var text = JsonSerializer.Serialize(snapshot);
        if (text == _published)
        {
            return null;
        }
        _published = text;
        return snapshot with { Version = ++_version };
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Update(Func<ProxyParts, ProxyParts> change)
    {
        lock (_gate)
        {
            _parts = change(_parts);
        }
        // One wake-up is enough however many updates came: the publisher reads the latest parts.
        Volatile.Read(ref _changed).TrySetResult();
    }
}

/// <summary>The proxy asked for is not registered with this agent.</summary>
internal sealed class ProxyNotFoundException(ProxyWatchRequest request)
    : Exception(request.ProxyId is { } id
        ? $"No proxy registered with ID \"{id}\""
        : $"No sidecar proxy registered for service ID \"{request.SidecarFor}\"");

/// <summary>The agent-wide settings every snapshot carries.</summary>
internal sealed record ProxyWatchOptions(string Datacenter, bool DefaultAllow);
