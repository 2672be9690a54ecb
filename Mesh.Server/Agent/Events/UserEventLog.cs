using Mesh.Server.Agent.Membership;
using Mesh.Server.Gossip;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent.Events;

/// <summary>
/// The agent's user events, as Consul keeps them: the last <see cref="Capacity"/> events that passed its filters,
/// oldest first, in memory only. Firing hands the event to gossip, which delivers it here too.
/// </summary>
public sealed class UserEventLog(IUserEventGossip gossip, ILocalAgent agent, ILogger<UserEventLog> logger) : IHostedService
{
    /// <summary>Consul's event buffer size.</summary>
    public const int Capacity = 256;

    private readonly Lock _gate = new();
    private readonly UserEvent[] _ring = new UserEvent[Capacity];
    private int _next;
    private int _count;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        gossip.HandleUserEvents(Receive);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Sends an event to every agent and returns it as Consul answers the fire. Bad filters are a 400, an event
    /// past the gossip size limit a 413 with Serf's message.
    /// </summary>
    public UserEvent Fire(string name, byte[]? payload, string nodeFilter, string serviceFilter, string tagFilter)
    {
        var userEvent = new UserEvent
        {
            ID = Guid.NewGuid().ToString(),
            Name = name,
            Payload = payload is { Length: > 0 } ? payload : null,
            NodeFilter = nodeFilter,
            ServiceFilter = serviceFilter,
            TagFilter = tagFilter,
        };
        UserEventFilter.Validate(userEvent);
        try
        {
            gossip.FireUserEvent(name, UserEventCodec.Encode(userEvent));
        }
        catch (ArgumentException ex)
        {
            throw new AgentException(StatusCodes.Status413PayloadTooLarge, ex.Message);
        }
        return userEvent;
    }

    /// <summary>The events oldest first, and a task that completes when the next one arrives.</summary>
    public (IReadOnlyList<UserEvent> Events, Task Changed) Snapshot()
    {
        lock (_gate)
        {
            var events = new UserEvent[_count];
            var start = (_next - _count + Capacity) % Capacity;
            for (var i = 0; i < _count; i++)
            {
                events[i] = _ring[(start + i) % Capacity];
            }
            return (events, _changed.Task);
        }
    }

    private void Receive(GossipUserEvent received)
    {
        if (UserEventCodec.Decode(received.Payload, received.LTime) is not { } userEvent)
        {
            logger.LogError("Failed to decode user event {Name}", received.Name);
            return;
        }
        if (!UserEventFilter.Matches(userEvent, agent.NodeName, agent.Services()))
        {
            return;
        }
        logger.LogDebug("new event {Name} {Id}", userEvent.Name, userEvent.ID);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _ring[_next] = userEvent;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }
}
