using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Mesh.Server.Gossip;

/// <summary>The stream of member changes, in the order the core produced them.</summary>
public sealed partial class GossipAgent
{
    private readonly List<Channel<MemberEvent>> _watchers = [];

    /// <summary>
    /// Yields member changes until cancelled or the agent stops. With <paramref name="includeCurrent"/> it first
    /// yields one event per known member describing its current state, atomically with subscribing, so a consumer
    /// (the catalog reconciler) misses nothing between snapshot and changes.
    /// </summary>
    public async IAsyncEnumerable<MemberEvent> WatchAsync(bool includeCurrent = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<MemberEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        lock (_gate)
        {
            if (includeCurrent)
            {
                foreach (var member in _node.Members())
                {
                    channel.Writer.TryWrite(new MemberEvent(CurrentKind(member.State), member));
                }
            }
            if (_disposed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _watchers.Add(channel);
            }
        }
        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    private static MemberEventKind CurrentKind(MemberState state) => state switch
    {
        MemberState.Alive => MemberEventKind.Joined,
        MemberState.Suspect => MemberEventKind.Suspected,
        MemberState.Dead => MemberEventKind.Failed,
        _ => MemberEventKind.Left,
    };

    private void Publish(MemberEvent change)
    {
        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryWrite(change);
        }
    }

    private void CompleteWatchers()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }
    }
}
