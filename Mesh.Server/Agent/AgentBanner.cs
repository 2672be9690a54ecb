using System.Text;
using Mesh.Server.Config;

namespace Mesh.Server.Agent;

/// <summary>The start-up banner Consul prints, so that people and scripts see the same facts.</summary>
internal static class AgentBanner
{
    public static string For(AgentConfig config)
    {
        var text = new StringBuilder();
        text.AppendLine("==> Starting Mesh agent...");
        Line(text, "Version", $"'{AgentVersion.Version}'");
        Line(text, "Node ID", $"'{config.NodeId}'");
        Line(text, "Node name", $"'{config.NodeName}'");
        Line(text, "Datacenter", $"'{config.Datacenter}' (Segment: '<all>')");
        Line(text, "Server", $"{Bool(config.Server)} (Bootstrap: {Bool(config.Dev || config.BootstrapExpect == 1)})");
        Line(text, "Client Addr", $"[{config.ClientAddr}] (HTTP: {config.Ports.Http}, HTTPS: -1, gRPC: {config.Ports.Grpc}, DNS: {config.Ports.Dns})");
        Line(text, "Cluster Addr", $"{config.AdvertiseAddr} (LAN: {config.Ports.SerfLan}, WAN: -1)");
        Line(text, "Gossip Encryption", Bool(!string.IsNullOrEmpty(config.Encrypt)));
        text.AppendLine();
        text.AppendLine("==> Log data will now stream in as it occurs:");
        text.AppendLine();
        return text.ToString();
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static void Line(StringBuilder text, string name, string value) =>
        text.Append(name.PadLeft(21)).Append(": ").AppendLine(value);
}
