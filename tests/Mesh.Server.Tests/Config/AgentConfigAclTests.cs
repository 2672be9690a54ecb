using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

/// <summary>The intention default comes from the ACL default policy, as in Consul, and only with ACLs enabled.</summary>
public sealed class AgentConfigAclTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("acl { default_policy = \"deny\" }", true)]
    [InlineData("acl { enabled = true }", true)]
    [InlineData("acl { enabled = true default_policy = \"allow\" }", true)]
    [InlineData("acl { enabled = true default_policy = \"deny\" down_policy = \"extend-cache\" tokens { initial_management = \"x\" } }", false)]
    public void The_intention_default_follows_the_acl_default_policy(string? hcl, bool allow)
    {
        var config = AgentConfigLoader.Load(new AgentFlags { Dev = true, Hcl = hcl is null ? [] : [hcl] }, "h");

        Assert.Equal(allow, config.IntentionDefaultAllow);
    }

    [Fact]
    public void An_unknown_policy_is_a_config_error()
    {
        var error = Assert.Throws<ConfigException>(() =>
            AgentConfigLoader.Load(new AgentFlags { Dev = true, Hcl = ["acl { enabled = true default_policy = \"maybe\" }"] }, "h"));

        Assert.Contains("acl.default_policy must be \"allow\" or \"deny\", got \"maybe\"", error.Message, StringComparison.Ordinal);
    }
}
