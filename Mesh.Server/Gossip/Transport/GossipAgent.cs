using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Server.Gossip;

/// <summary>
/// Runs a <see cref="GossipNode"/> on real time over a <see cref="GossipTransport"/>: the agent's handle on the
/// LAN pool. All core calls are serialized by one lock; a timer loop sleeps until the core's next deadline and is
/// woken early when an input schedules an earlier one. Dispose without <see cref="LeaveAsync"/> to vanish as a
/// crashed process would (others will detect the failure).
/// </summary>
public sealed partial class GossipAgent : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly GossipNode _node;
    private readonly GossipTransport _transport;
    private readonly GossipMetrics _metrics;
    private readonly GossipAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _origin;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private CancellationTokenSource? _sleep;
    private TimeSpan _wakeAt;
    private bool _disposed;

    private GossipAgent(GossipAgentOptions options, TimeProvider time, ILogger logger, IMeterFactory? meterFactory)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _origin = time.GetTimestamp();
        // Everything that can be refused is checked before the sockets are bound, so a bad setting leaks nothing.
        GossipNode.ValidateName(options.NodeName);
        options.Protocol.Validate();
        var metadata = MemberMetadata.From(options.Metadata);
        var advertiseAddress = AdvertiseAddress(options);
        _metrics = new GossipMetrics(meterFactory, CountByState, () => HealthScore);
        var cipher = new GossipCipher(options.Keyring, time);
        try
        {
            _transport = GossipTransport.Bind(options.BindAddress, options.Port, cipher, options.Protocol, _metrics);
        }
        catch
        {
            _metrics.Dispose();
            throw;
        }
        var advertise = new IPEndPoint(advertiseAddress, _transport.LocalEndpoint.Port);
        _node = new GossipNode(options.NodeName, advertise, metadata, options.Protocol, time, new Random(), _metrics);
        KeyManager = new GossipKeyManager(this, options.Keyring, options.KeyringFile);
    }

    /// <summary>
    /// Binds the serf_lan port and starts gossiping alone; call <see cref="JoinAsync"/> to meet the pool.
    /// Throws <see cref="GossipException"/> when the port cannot be bound or the settings are invalid.
    /// </summary>
    public static GossipAgent Start(GossipAgentOptions options, TimeProvider? time = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        GossipAgent agent;
        try
        {
            agent = new GossipAgent(options, time ?? TimeProvider.System, logger ?? NullLogger.Instance, meterFactory);
        }
        catch (System.Net.Sockets.SocketException exception)
        {
            throw new GossipException($"gossip: cannot listen on {options.BindAddress}:{options.Port}: {exception.Message}", exception);
        }
        catch (ArgumentException exception)
        {
            throw new GossipException(exception.Message, exception);
        }
        // The core starts before the sockets are read: a restarted member is pinged by the pool at once.
        agent.Run(node => node.Start());
        agent._transport.Start(agent.OnPacket, agent.OnStream);
        agent._loop = Task.Run(agent.TimerLoopAsync);
        return agent;
    }

    public string Name => _node.Name;

    /// <summary>The advertised gossip address (the bound port, even when 0 was asked for).</summary>
    public IPEndPoint Address => _node.Address;

    public GossipKeyring? Keyring => _options.Keyring;

    /// <summary>Changes the keyring of every member of the pool (Consul's <c>keyring</c> command).</summary>
    public GossipKeyManager KeyManager { get; }

    /// <summary>The "mesh.gossip" meter this agent's instruments live on.</summary>
    public Meter Meter => _metrics.Meter;

    public int HealthScore
    {
        get
        {
            lock (_gate)
            {
                return _node.HealthScore;
            }
        }
    }

    /// <summary>Every known member with its state, this agent included, ordered by name.</summary>
    public IReadOnlyList<Member> Members()
    {
        lock (_gate)
        {
            return _node.Members();
        }
    }

    public Member? Find(string name)
    {
        lock (_gate)
        {
            return _node.Find(name);
        }
    }

    /// <summary>Inputs dropped for <paramref name="reason"/> (malformed, unauthenticated, replayed, ...) since start.</summary>
    public long Dropped(DropReason reason) => _metrics.Dropped(reason);

    /// <summary>Gossips new tags (e.g. after a config reload) with a new incarnation.</summary>
    public void UpdateMetadata(IReadOnlyDictionary<string, string> metadata) => Run(node => node.UpdateMetadata(metadata));

    private IReadOnlyDictionary<MemberState, int> CountByState()
    {
        lock (_gate)
        {
            return Enum.GetValues<MemberState>().ToDictionary(state => state, _node.CountMembers);
        }
    }

    private static IPAddress AdvertiseAddress(GossipAgentOptions options)
    {
        var address = options.AdvertiseAddress ?? options.BindAddress;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            throw new ArgumentException($"gossip: bound to {options.BindAddress}; an advertise address is required");
        }
        return address;
    }

    private TimeSpan Elapsed => _time.GetElapsedTime(_origin);

    private void OnPacket(byte[] payload, IPEndPoint from) => Guarded(from, () => Run(node => node.ReceivePacket(payload, from)));

    private byte[]? OnStream(byte[] request, IPEndPoint from)
    {
        byte[]? reply = null;
        Guarded(from, () => Run(node =>
        {
            var answer = node.ReceiveStream(request, from);
            reply = answer.Reply;
            return answer.Actions;
        }));
        return reply;
    }

    /// <summary>The core drops bad input itself; this only keeps a bug from stopping the receive loops.</summary>
    private void Guarded(IPEndPoint from, Action receive)
    {
        try
        {
            receive();
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "gossip: failed to handle input from {From}", from);
        }
    }

    /// <summary>Feeds one input to the core and performs its actions, all under the lock so order is kept.</summary>
    private void Run(Func<GossipNode, IReadOnlyList<GossipAction>> input)
    {
        CancellationTokenSource? wake = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            Perform(input(_node));
            if (_sleep is not null && _node.TimeUntilNextTimer is { } next && Elapsed + next < _wakeAt)
            {
                wake = _sleep;
                _sleep = null;
            }
        }
        try
        {
            wake?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The loop already woke up.
        }
    }

    private void Perform(IReadOnlyList<GossipAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case SendPacket packet:
                    _transport.SendPacket(packet.To, packet.Payload);
                    break;
                case OpenStream stream:
                    _ = ExchangeAsync(stream);
                    break;
                case NotifyMember notify:
                    Publish(notify.Event);
                    break;
                case JoinFinished join:
                    FinishJoin(join);
                    break;
                case LeaveFinished:
                    _leaveFinished.TrySetResult();
                    break;
                case AnswerQuery answer:
                    StartAnswer(answer.Query);
                    break;
                case QueryResponseReceived response:
                    CollectResponse(response);
                    break;
                case QueryFinished finished:
                    FinishQuery(finished);
                    break;
                case DeliverUserEvent delivered:
                    DeliverUserEvent(delivered.Event);
                    break;
            }
        }
    }

    private async Task ExchangeAsync(OpenStream stream)
    {
        byte[] reply;
        try
        {
            reply = await _transport.ExchangeAsync(stream.To, stream.Request, stream.Timeout, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            Run(node => node.StreamFailed(stream.StreamId, exception.Message));
            return;
        }
        catch (Exception)
        {
            return;
        }
        Run(node => node.StreamCompleted(stream.StreamId, reply));
    }

    private async Task TimerLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            CancellationTokenSource sleep;
            TimeSpan delay;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                Perform(_node.Tick());
                delay = _node.TimeUntilNextTimer ?? TimeSpan.FromSeconds(1);
                _wakeAt = Elapsed + delay;
                _sleep = sleep = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            }
            try
            {
                await Task.Delay(delay, _time, sleep.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Woken early by an input with an earlier deadline, or stopping.
            }
            finally
            {
                lock (_gate)
                {
                    if (_sleep == sleep)
                    {
                        _sleep = null;
                    }
                }
                sleep.Dispose();
            }
        }
    }

    /// <summary>Stops without leaving: to the others this agent simply stops answering.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        CompleteWatchers();
        FailPendingJoins();
        FailPendingQueries();
        _metrics.Dispose();
    }
}
