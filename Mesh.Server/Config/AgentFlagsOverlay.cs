namespace Mesh.Server.Config;

/// <summary>
/// Puts the command line on top of the merged files: a given flag replaces the file's value; list
/// flags (-join, -retry-join) come before the files' entries, as Consul orders them.
/// </summary>
internal static class AgentFlagsOverlay
{
    public static void Apply(AgentFlags flags, AgentConfigFile file)
    {
        file.Server = Set(flags.Server, "server") ?? file.Server;
        file.Bootstrap = Set(flags.Bootstrap, "bootstrap") ?? file.Bootstrap;
        file.BootstrapExpect = Set(flags.BootstrapExpect, "bootstrap-expect") ?? file.BootstrapExpect;
        file.StartJoin = [.. flags.Join, .. file.StartJoin ?? []];
        file.RetryJoin = [.. flags.RetryJoin, .. file.RetryJoin ?? []];
        file.NodeName = Set(flags.NodeName, "node") ?? file.NodeName;
        file.Datacenter = Set(flags.Datacenter, "datacenter") ?? file.Datacenter;
        file.DataDir = Set(flags.DataDir, "data-dir") ?? file.DataDir;
        file.BindAddr = Set(flags.BindAddr, "bind") ?? file.BindAddr;
        file.ClientAddr = Set(flags.ClientAddr, "client") ?? file.ClientAddr;
        file.EnableScriptChecks = Set(flags.EnableScriptChecks, "enable-script-checks") ?? file.EnableScriptChecks;
        file.EnableLocalScriptChecks = Set(flags.EnableLocalScriptChecks, "enable-local-script-checks") ?? file.EnableLocalScriptChecks;
        file.LogLevel = Set(flags.LogLevel, "log-level") ?? file.LogLevel;
        file.Encrypt = Set(flags.Encrypt, "encrypt") ?? file.Encrypt;

        var ports = file.Ports ??= new PortsSection();
        ports.Http = Set(flags.HttpPort, "http-port") ?? ports.Http;
        ports.Dns = Set(flags.DnsPort, "dns-port") ?? ports.Dns;
        ports.Server = Set(flags.ServerPort, "server-port") ?? ports.Server;
        ports.SerfLan = Set(flags.SerfLanPort, "serf-lan-port") ?? ports.SerfLan;
        ports.Grpc = Set(flags.GrpcPort, "grpc-port") ?? ports.Grpc;
    }

    private static Located<T>? Set<T>(T? value, string flag)
        where T : struct => value is { } v ? new Located<T>(v, SourcePosition.Flag(flag)) : null;

    private static Located<string>? Set(string? value, string flag) =>
        value is null ? null : new Located<string>(value, SourcePosition.Flag(flag));
}
