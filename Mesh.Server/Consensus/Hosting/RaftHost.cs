using System.Threading.Channels;

namespace Mesh.Server.Consensus.Hosting;

/// <summary>
/// Runs one <see cref="RaftNode"/> for real: a tick per <see cref="RaftOptions.TickInterval"/>, storage in a
/// directory, a transport for messages. One event loop owns the core, so it is never called concurrently; the
/// storage and apply queues each run on their own worker, in order. The core allows one outstanding persist,
/// so every proposal arriving while an fsync runs shares the next one (group commit).
/// </summary>
public sealed partial class RaftHost : IRaftMessageSink, IAsyncDisposable
{
    private readonly RaftHostOptions _options;
    private readonly TimeProvider _time;
    private readonly RaftNode _node;
    private readonly RaftStorage _storage;
    private readonly IRaftStateMachine _machine;
    private readonly IRaftTransport _transport;
    private readonly Channel<RaftEvent> _events = Channel.CreateUnbounded<RaftEvent>(new() { SingleReader = true });
    private readonly Channel<RaftAction> _storageQueue = Channel.CreateUnbounded<RaftAction>(new() { SingleReader = true, SingleWriter = true });
    private readonly Channel<RaftAction> _applyQueue = Channel.CreateUnbounded<RaftAction>(new() { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private volatile Status _status;
    private volatile Exception? _fault;

    private readonly RaftMetrics _metrics;
    private IReadOnlyDictionary<string, ulong> _followerMatches = new Dictionary<string, ulong>();

    private sealed record Status(
        RaftRole Role, ulong Term, string? LeaderId, ulong CommitIndex, ulong LastLogIndex, ClusterConfiguration Configuration, int TicksSinceLeaderContact);

    private RaftHost(RaftHostOptions options, IRaftStateMachine machine, IRaftTransport transport, TimeProvider time)
    {
        options.Raft.Validate();
        _options = options;
        _time = time;
        _machine = machine;
        _transport = transport;
        _storage = RaftStorage.Open(options.DataDirectory, options.Bootstrap, out var state);
        if (_storage.Snapshots.Newest is { } snapshot)
        {
            RestoreFrom(snapshot);
            _appliedIndex = snapshot.Metadata.Index;
        }
        _node = new RaftNode(options.Id, options.Raft, state, new Random());
        _status = CurrentStatus();
        _metrics = new RaftMetrics(options.MeterFactory, this);
        _clockStart = time.GetTimestamp();
        _workers =
        [
            Task.Run(RunEventLoopAsync),
            Task.Run(RunStorageAsync),
            Task.Run(RunApplyAsync),
            Task.Run(() => RunTicksAsync(options.Raft.TickInterval, time)),
        ];
    }

    public string Id => _node.Id;

    /// <summary>The role; a server stopped by a failure leads no more.</summary>
    public RaftRole Role => _fault is null ? _status.Role : RaftRole.Follower;

    public ulong Term => _status.Term;

    public string? LeaderId => _status.LeaderId;

    public ulong CommitIndex => _status.CommitIndex;

    public ulong LastLogIndex => _status.LastLogIndex;

    /// <summary>The configuration in force (the latest in the log, committed or not).</summary>
    public ClusterConfiguration Configuration => _status.Configuration;

    /// <summary>How long since this server heard from a leader; zero on the leader (X-Consul-LastContact).</summary>
    public TimeSpan LastLeaderContact => _options.Raft.TickInterval * _status.TicksSinceLeaderContact;

    /// <summary>On the leader: how many entries each follower is behind its log, as of the last tick.</summary>
    public IReadOnlyDictionary<string, ulong> ReplicationLag()
    {
        var last = LastLogIndex;
        return _followerMatches.ToDictionary(f => f.Key, f => last > f.Value ? last - f.Value : 0, StringComparer.Ordinal);
    }

    /// <summary>How many fsyncs of the log this server issued; fewer than entries written means group commit at work.</summary>
    public long LogSyncs => _storage.Syncs;

    /// <summary>What stopped this server, if a disk, state machine or core failure did.</summary>
    public Exception? Failure => _fault;

    /// <summary>Recovers the server from <see cref="RaftHostOptions.DataDirectory"/> (or bootstraps it) and starts it.</summary>
    public static RaftHost Start(RaftHostOptions options, IRaftStateMachine machine, IRaftTransport transport, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(time);
        return new RaftHost(options, machine, transport, time);
    }

    /// <summary>Whether <paramref name="dataDirectory"/> holds a server's Raft state, which it recovers rather than bootstrapping.</summary>
    public static bool HasState(string dataDirectory) => RaftStorage.HasState(dataDirectory);

    public void Deliver(RaftMessage message) => _events.Writer.TryWrite(new Receive(message));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
        await _snapshotWrite.ConfigureAwait(false);
        _storage.Dispose();
        _metrics.Dispose();
        EndLeadership();
        FailPending(new OperationCanceledException($"Server {Id} stopped."));
        _stop.Dispose();
    }

    private Status CurrentStatus() =>
        new(_node.Role, _node.Term, _node.LeaderId, _node.CommitIndex, _node.Log.LastIndex, _node.Configuration, _node.TicksSinceLeaderContact);

    private async Task RunTicksAsync(TimeSpan interval, TimeProvider time)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                _events.Writer.TryWrite(Tick.Instance);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task RunEventLoopAsync()
    {
        try
        {
            await foreach (var raftEvent in _events.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                // The timer's tick only wakes the loop: the clock decides how many ticks are due.
                StepDueTicks();
                if (raftEvent is not Tick)
                {
                    StepCore(raftEvent);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            Fault(e);
        }
        finally
        {
            _storageQueue.Writer.TryComplete();
            _applyQueue.Writer.TryComplete();
        }
    }

    private void StepCore(RaftEvent raftEvent)
    {
        var actions = _node.Step(raftEvent);
        _status = CurrentStatus();
        if (raftEvent is Tick)
        {
            // Copied once a tick rather than at every event: only the lag gauge reads it.
            _followerMatches = _node.FollowerMatches();
        }
        foreach (var action in actions)
        {
            Carry(action);
        }
    }

    private async Task RunStorageAsync()
    {
        try
        {
            await foreach (var action in _storageQueue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                switch (action)
                {
                    case Persist persist:
                        _storage.Write(persist);
                        _events.Writer.TryWrite(new PersistCompleted(persist.Sequence));
                        break;
                    case CompactLog compact:
                        _storage.CompactBefore(compact.FirstIndexToKeep);
                        break;
                    case SaveSnapshotChunk chunk:
                        _storage.Snapshots.WriteChunk(chunk.Snapshot, chunk.Offset, chunk.Data);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }

    private async Task RunApplyAsync()
    {
        try
        {
            await foreach (var action in _applyQueue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                switch (action)
                {
                    case ApplyEntries apply:
                        foreach (var entry in apply.Entries)
                        {
                            var response = entry.Kind == EntryKind.Command ? _machine.Apply(entry.Index, entry.Data) : null;
                            CompleteProposal(entry, response);
                        }
                        Applied(apply.Entries[^1].Index);
                        _metrics.Applied(apply.Entries.Count);
                        break;
                    case TakeSnapshot take:
                        TakeSnapshotInBackground(take.Snapshot, _machine.Capture());
                        break;
                    case RestoreSnapshot restore:
                        RestoreFrom(_storage.Snapshots.Get(restore.Snapshot)
                            ?? throw new InvalidOperationException($"The installed {restore.Snapshot} is not stored."));
                        FailProposalsThrough(restore.Snapshot.Index);
                        Applied(restore.Snapshot.Index);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            Fault(e);
        }
    }

    /// <summary>A broken disk or state machine stops the server: carrying on could acknowledge what is not durable.</summary>
    private void Fault(Exception e)
    {
        _fault ??= e;
        TrackLeadership(RaftRole.Follower);
        FailPending(new InvalidOperationException($"Server {Id} stopped after a failure: {e.Message}", e));
        _stop.Cancel();
    }
}
