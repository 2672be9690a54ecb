using System.Collections.Immutable;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Mesh;

/// <summary>
/// Polls every server once a second: publishes each server's Raft role, leader and applied index as resource
/// properties, derives the datacenter's state from them, and writes the configured intentions once there is a leader.
/// </summary>
internal sealed class MeshDatacenterMonitor(MeshDatacenterResource datacenter, ResourceNotificationService notifications, ResourceLoggerService loggers)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly MeshRaftStats Unreachable = new("unreachable", "", "", "", "");
    private readonly Dictionary<string, ServerView> _published = [];
    private string? _datacenterState;
    private bool _intentionsWritten;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var logger = loggers.GetLogger(datacenter);
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var views = await Task.WhenAll(datacenter.Servers.Select(s => ViewAsync(s, cancellationToken))).ConfigureAwait(false);
                foreach (var view in views)
                {
                    await PublishAsync(view).ConfigureAwait(false);
                }
                var leader = views.FirstOrDefault(v => v.Raft.Role == "leader");
                await PublishDatacenterAsync(views, leader).ConfigureAwait(false);
                if (leader is not null && !_intentionsWritten)
                {
                    _intentionsWritten = await WriteIntentionsAsync(logger, cancellationToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The app host is stopping.
        }
    }

    private static async Task<ServerView> ViewAsync(MeshServer server, CancellationToken cancellationToken)
    {
        try
        {
            return new ServerView(server, await MeshApi.RaftStatsAsync(server.Ports, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new ServerView(server, Unreachable);
        }
    }

    private async Task PublishAsync(ServerView view)
    {
        if (_published.TryGetValue(view.Server.Resource.Name, out var last) && last == view)
        {
            return;
        }
        _published[view.Server.Resource.Name] = view;
        await notifications.PublishUpdateAsync(view.Server.Resource, snapshot => snapshot with
        {
            Properties = With(snapshot.Properties,
                new("mesh.raft.role", view.Raft.Role) { DisplayName = "Raft role", IsHighlighted = true },
                new("mesh.raft.term", view.Raft.Term) { DisplayName = "Raft term" },
                new("mesh.raft.last_index", view.Raft.LastLogIndex) { DisplayName = "Last log index" },
                new("mesh.raft.applied_index", view.Raft.AppliedIndex) { DisplayName = "Applied index" },
                new("mesh.raft.leader", view.Raft.Leader) { DisplayName = "Leader address" }),
        }).ConfigureAwait(false);
    }

    private async Task PublishDatacenterAsync(ServerView[] views, ServerView? leader)
    {
        var up = views.Count(v => v.Raft != Unreachable);
        var state = leader is null ? (up == 0 ? KnownResourceStates.Starting : "No leader") : KnownResourceStates.Running;
        var summary = $"{state}|{leader?.Server.Resource.Name}|{up}";
        if (summary == _datacenterState)
        {
            return;
        }
        _datacenterState = summary;
        await notifications.PublishUpdateAsync(datacenter, snapshot => snapshot with
        {
            State = new ResourceStateSnapshot(state, leader is null ? KnownResourceStateStyles.Warn : KnownResourceStateStyles.Success),
            StartTimeStamp = snapshot.StartTimeStamp ?? (leader is null ? null : DateTime.UtcNow),
            Properties = With(snapshot.Properties,
                new("mesh.leader", leader?.Server.Resource.Name ?? "") { DisplayName = "Leader", IsHighlighted = true },
                new("mesh.servers", $"{up}/{views.Length} up") { DisplayName = "Servers" }),
        }).ConfigureAwait(false);
    }

    private async Task<bool> WriteIntentionsAsync(ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var intention in datacenter.Intentions)
            {
                await MeshIntentionCommands.SetAsync(datacenter, intention, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Intention {Source} → {Destination}: {Action}", intention.Source, intention.Destination, intention.Allow ? "allow" : "deny");
            }
            return true;
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("Writing the intentions failed, trying again: {Reason}", e.Message);
            return false;
        }
    }

    private static ImmutableArray<ResourcePropertySnapshot> With(ImmutableArray<ResourcePropertySnapshot> properties, params ResourcePropertySnapshot[] updates) =>
        [.. properties.Where(p => !updates.Any(u => u.Name == p.Name)), .. updates];

    private sealed record ServerView(MeshServer Server, MeshRaftStats Raft);
}
