using System.Net;
using System.Text.RegularExpressions;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cli.Output;

namespace Mesh.Server.Cli.Commands;

/// <summary>
/// <c>mesh members</c>: the gossip pool as Consul CE prints it, with its Partition ("default") and
/// Segment ("&lt;all&gt;" for servers, "&lt;default&gt;" for clients) columns. Exit code 2 when no
/// member matches <c>-status</c>.
/// </summary>
internal static class MembersCommand
{
    private const string Help = """
        Usage: mesh members [options]

          Outputs the members of a running mesh agent.
        """;

    private const string RoleKey = "role";
    private const string ServerRole = "consul";
    private const string ClientRole = "node";
    private const string PartitionKey = "ap";
    private const string SegmentKey = "segment";

    public static CliCommand Create(CliContext context)
    {
        var detailed = GoFlag.Bool("detailed", "Provides detailed information about nodes.");
        var wan = GoFlag.Bool("wan", "If the agent is in server mode, this can be used to return the other peers in the WAN pool.");
        var status = GoFlag.StringWithDefault("status",
            "If provided, output is filtered to only nodes matching the regular expression for status.", ".*", "string");
        var filter = GoFlag.String("filter", "Filter to use with the request.");

        var command = new CliCommand("members", "Lists the members of a mesh cluster", Help) { detailed, wan, status, filter };
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.Any, async (result, _, api) =>
        {
            Regex statusPattern;
            try
            {
                statusPattern = new Regex(result.GetValue(status) ?? ".*", RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                return context.Fail($"Failed to compile status regexp: {ex.Message}");
            }
            return await api.CallAsync("Error retrieving members", async (client, cancellationToken) =>
            {
                var members = await client.AgentMembersAsync(result.GetValue(wan), result.GetValue(filter), cancellationToken);
                var shown = members.Select(WithDefaultTags).Where(m => statusPattern.IsMatch(StatusName(m.Status))).ToList();
                if (shown.Count == 0)
                {
                    return 2;
                }
                shown.Sort(CompareMembers);
                return context.Succeed(Columnize.Format(result.GetValue(detailed) ? DetailedLines(shown) : StandardLines(shown)));
            });
        });
        return command;
    }

    /// <summary>Consul fills in the partition and segment before printing (the detailed tags show them too).</summary>
    private static AgentMember WithDefaultTags(AgentMember member)
    {
        var tags = new Dictionary<string, string>(member.Tags ?? [], StringComparer.Ordinal);
        if (string.IsNullOrEmpty(tags.GetValueOrDefault(PartitionKey)))
        {
            tags[PartitionKey] = "default";
        }
        if (tags.GetValueOrDefault(RoleKey) == ServerRole)
        {
            tags[SegmentKey] = "<all>";
        }
        else if (string.IsNullOrEmpty(tags.GetValueOrDefault(SegmentKey)))
        {
            tags[SegmentKey] = "<default>";
        }
        return member with { Tags = tags };
    }

    /// <summary>Servers first, then by segment, partition and name.</summary>
    private static int CompareMembers(AgentMember a, AgentMember b)
    {
        var (aServer, bServer) = (Tag(a, RoleKey) == ServerRole, Tag(b, RoleKey) == ServerRole);
        if (aServer != bServer)
        {
            return aServer ? -1 : 1;
        }
        var bySegment = string.CompareOrdinal(Tag(a, SegmentKey), Tag(b, SegmentKey));
        if (bySegment != 0)
        {
            return bySegment;
        }
        var byPartition = string.CompareOrdinal(Tag(a, PartitionKey), Tag(b, PartitionKey));
        return byPartition != 0 ? byPartition : string.CompareOrdinal(a.Name, b.Name);
    }

    private static IEnumerable<string> StandardLines(IEnumerable<AgentMember> members)
    {
        const char sep = Columnize.UnitSeparator;
        yield return $"Node{sep}Address{sep}Status{sep}Type{sep}Build{sep}Protocol{sep}DC{sep}Partition{sep}Segment";
        foreach (var member in members)
        {
            var start = $"{member.Name}{sep}{Address(member)}{sep}{StatusName(member.Status)}";
            var build = Tag(member, "build");
            // The build tag is "version:revision"; Consul shows the version only.
            build = build.Length == 0 ? "< 0.3" : build.Split(':')[0];
            var rest = $"{build}{sep}{Tag(member, "vsn")}{sep}{Tag(member, "dc")}{sep}{Tag(member, PartitionKey)}{sep}{Tag(member, SegmentKey)}";
            yield return Tag(member, RoleKey) switch
            {
                ClientRole => $"{start}{sep}client{sep}{rest}",
                ServerRole => $"{start}{sep}server{sep}{rest}",
                _ => $"{start}{sep}unknown{sep}{sep}{sep}{sep}{sep}",
            };
        }
    }

    private static IEnumerable<string> DetailedLines(IEnumerable<AgentMember> members)
    {
        const char sep = Columnize.UnitSeparator;
        yield return $"Node{sep}Address{sep}Status{sep}Tags";
        foreach (var member in members)
        {
            var tags = string.Join(',', (member.Tags ?? []).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
            yield return $"{member.Name}{sep}{Address(member)}{sep}{StatusName(member.Status)}{sep}{tags}";
        }
    }

    private static string Tag(AgentMember member, string key) => member.Tags?.GetValueOrDefault(key) ?? "";

    /// <summary>Go's net.TCPAddr text: "ip:port", IPv6 in brackets, ":port" when the IP does not parse.</summary>
    private static string Address(AgentMember member) =>
        member.Addr.AsSpan().IndexOfAny('.', ':') >= 0 && IPAddress.TryParse(member.Addr, out var ip)
            ? new IPEndPoint(ip, member.Port).ToString()
            : $":{member.Port}";

    /// <summary>serf.MemberStatus names.</summary>
    private static string StatusName(int status) => status switch
    {
        0 => "none",
        1 => "alive",
        2 => "leaving",
        3 => "left",
        4 => "failed",
        _ => "unknown",
    };
}
