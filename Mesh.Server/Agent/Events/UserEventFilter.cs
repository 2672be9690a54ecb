using System.Text.RegularExpressions;
using Mesh.Server.State;

namespace Mesh.Server.Agent.Events;

/// <summary>
/// Consul's event filters: regular expressions on the node name, on the IDs of the node's services and on their
/// tags. They are checked when the event is fired and applied by each agent as it receives it.
/// </summary>
internal static class UserEventFilter
{
    // Filters run as events arrive, under the gossip lock: a pathological pattern must not stall the protocol.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Refuses an event with Consul's reasons (a 400).</summary>
    public static void Validate(UserEvent userEvent)
    {
        if (userEvent.Name.Length == 0)
        {
            throw AgentException.BadRequest("User event missing name");
        }
        if (userEvent.TagFilter.Length > 0 && userEvent.ServiceFilter.Length == 0)
        {
            throw AgentException.BadRequest("Cannot provide tag filter without service filter");
        }
        Compile(userEvent.NodeFilter, "node");
        Compile(userEvent.ServiceFilter, "service");
        Compile(userEvent.TagFilter, "tag");
    }

    /// <summary>Whether this agent should keep the event: its node name and one of its services (and tags) match.</summary>
    public static bool Matches(UserEvent userEvent, string nodeName, IReadOnlyList<CatalogService> services)
    {
        try
        {
            if (Compile(userEvent.NodeFilter, "node") is { } node && !node.IsMatch(nodeName))
            {
                return false;
            }
            if (Compile(userEvent.ServiceFilter, "service") is not { } service)
            {
                return true;
            }
            var tag = Compile(userEvent.TagFilter, "tag");
            return services.Any(s => service.IsMatch(s.ID) && (tag is null || s.Tags.Exists(tag.IsMatch)));
        }
        catch (Exception ex) when (ex is AgentException or RegexMatchTimeoutException)
        {
            // A filter another agent sent that does not compile here, or one too slow to run: not for us.
            return false;
        }
    }

    private static Regex? Compile(string pattern, string what)
    {
        if (pattern.Length == 0)
        {
            return null;
        }
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw AgentException.BadRequest($"Invalid {what} filter: {ex.Message}");
        }
    }
}
