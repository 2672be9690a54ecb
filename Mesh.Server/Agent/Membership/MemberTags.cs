using System.Globalization;
using Mesh.Server.Config;

namespace Mesh.Server.Agent.Membership;

/// <summary>Consul's serf tags: what every member says about itself (role, datacenter, server RPC port, build).</summary>
public static class MemberTags
{
    public const string Role = "role";
    public const string ServerRole = "consul";
    public const string ClientRole = "node";
    public const string Datacenter = "dc";
    public const string Port = "port";
    public const string Id = "id";
    public const string Expect = "expect";
    public const string Bootstrap = "bootstrap";

    public static IReadOnlyDictionary<string, string> For(AgentConfig config)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Role] = config.Server ? ServerRole : ClientRole,
            [Datacenter] = config.Datacenter,
            [Id] = config.NodeId,
            ["build"] = AgentVersion.Build,
            ["vsn"] = "2",
            ["vsn_min"] = "2",
            ["vsn_max"] = "3",
            ["segment"] = "",
        };
        if (config.Server)
        {
            tags[Port] = config.Ports.Server.ToString(CultureInfo.InvariantCulture);
            if (config.BootstrapExpect > 0)
            {
                tags[Expect] = config.BootstrapExpect.ToString(CultureInfo.InvariantCulture);
            }
            if (config.Bootstrap)
            {
                tags[Bootstrap] = "1";
            }
        }
        return tags;
    }

    public static bool IsServerOf(IReadOnlyDictionary<string, string> tags, string datacenter) =>
        tags.TryGetValue(Role, out var role) && role == ServerRole
        && tags.TryGetValue(Datacenter, out var dc) && string.Equals(dc, datacenter, StringComparison.OrdinalIgnoreCase);
}
