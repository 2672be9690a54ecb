using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

/// <summary>domain, recursors and dns_config: Consul's defaults, the values a file sets, and the errors it can make.</summary>
public sealed class AgentConfigDnsTests
{
    [Fact]
    public void Defaults_are_consuls()
    {
        var config = AgentConfigLoader.Load(new AgentFlags { Dev = true }, "h");

        Assert.Equal("consul.", config.Domain);
        Assert.Empty(config.Recursors);
        Assert.True(config.Dns.AllowStale);
        Assert.False(config.Dns.OnlyPassing);
        Assert.Equal(TimeSpan.Zero, config.Dns.NodeTtl);
        Assert.Empty(config.Dns.ServiceTtl);
        Assert.Equal((0, 3), (config.Dns.ARecordLimit, config.Dns.UdpAnswerLimit));
    }

    [Fact]
    public void A_file_sets_domain_recursors_and_dns_config()
    {
        using var dir = new TempConfigDir();
        dir.Write("dns.hcl", """
            domain = "Mesh.Example"
            recursors = ["10.0.0.53", "10.0.0.54:5353"]
            dns_config {
              allow_stale = false
              only_passing = true
              node_ttl = "30s"
              service_ttl { "*" = "5s", "web" = "1m" }
              a_record_limit = 4
              udp_answer_limit = 10
              enable_truncate = true
            }
            """);

        var config = AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigDirs = [dir.Path] }, "h");

        Assert.Equal("mesh.example.", config.Domain);
        Assert.Equal(["10.0.0.53:53", "10.0.0.54:5353"], config.Recursors);
        Assert.False(config.Dns.AllowStale);
        Assert.True(config.Dns.OnlyPassing);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Dns.NodeTtl);
        Assert.Equal(TimeSpan.FromSeconds(5), config.Dns.ServiceTtl["*"]);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Dns.ServiceTtl["WEB"]);
        Assert.Equal((4, 10), (config.Dns.ARecordLimit, config.Dns.UdpAnswerLimit));
    }

    [Theory]
    [InlineData("recursors = [\"not-an-ip\"]", "Invalid recursor address \"not-an-ip\"")]
    [InlineData("domain = \"a..b\"", "domain must be a DNS name")]
    [InlineData("dns_config { a_record_limit = -1 }", "dns_config.a_record_limit cannot be negative")]
    [InlineData("dns_config { bogus = 1 }", "bogus")]
    public void Bad_values_are_config_errors(string hcl, string message)
    {
        var error = Assert.Throws<ConfigException>(() => AgentConfigLoader.Load(new AgentFlags { Dev = true, Hcl = [hcl] }, "h"));

        Assert.Contains(message, error.Message);
    }
}
