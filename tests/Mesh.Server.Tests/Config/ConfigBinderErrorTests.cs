using Mesh.Server.Config;
using static Mesh.Server.Tests.Config.ParsingAssert;

namespace Mesh.Server.Tests.Config;

/// <summary>Every binding and validation error, with the position it names.</summary>
public sealed class ConfigBinderErrorTests
{
    private static void Service(string text) => ConfigBinderServiceTests.ServiceFromHcl(text);

    private static void Check(string text) => ConfigBinder.BindCheck(HclParser.Parse(text, "t.hcl"), BindOptions.ConfigFile);

    [Theory]
    [InlineData("service {\n  name = \"a\"\n  prot = 1\n}", "t.hcl:3:3: unknown key \"prot\"")]
    [InlineData("service {\n  name = \"a\"\n  port = \"9003\"\n}", "t.hcl:3:10: \"port\" must be an integer, got a string")]
    [InlineData("service {\n  name = \"a\"\n  port = 1.5\n}", "t.hcl:3:10: \"port\" must be an integer, got 1.5")]
    [InlineData("service {\n  name = \"a\"\n  port = 70000\n}", "t.hcl:3:10: \"port\" must be a port number (0-65535), got 70000")]
    [InlineData("service {\n  name = \"a\"\n  port = -1\n}", "t.hcl:3:10: \"port\" must be a port number (0-65535), got -1")]
    [InlineData("service {\n  name = 5\n}", "t.hcl:2:10: \"name\" must be a string, got a number")]
    [InlineData("service {\n  name = \"a\"\n  tags = \"x\"\n}", "t.hcl:3:10: \"tags\" must be a list, got a string")]
    [InlineData("service {\n  name = \"a\"\n  tags = [\"x\", 2]\n}", "t.hcl:3:16: \"tags[1]\" must be a string, got a number")]
    [InlineData("service {\n  name = \"a\"\n  meta = [\"x\"]\n}", "t.hcl:3:10: \"meta\" must be an object (a map), got a list")]
    [InlineData("service {\n  name = \"a\"\n  meta = { k = 1 }\n}", "t.hcl:3:16: \"meta.k\" must be a string, got a number")]
    [InlineData("service {\n  name = \"a\"\n  enable_tag_override = \"yes\"\n}", "t.hcl:3:25: \"enable_tag_override\" must be true or false, got a string")]
    [InlineData("service {\n  name = \"a\"\n  connect = true\n}", "t.hcl:3:13: \"connect\" must be an object, got a bool")]
    [InlineData("service {\n  name = \"a\"\n  check { ttl = \"10\" }\n}", "t.hcl:3:17: \"ttl\": missing unit in duration \"10\" (use ns, us, ms, s, m or h)")]
    [InlineData("service {\n  name = \"a\"\n  check { ttl = \"1x\" }\n}", "t.hcl:3:17: \"ttl\": unknown unit \"x\" in duration \"1x\" (use ns, us, ms, s, m or h)")]
    [InlineData("service {\n  name = \"a\"\n  check { ttl = true }\n}", "t.hcl:3:17: \"ttl\" must be a duration (\"10s\", \"1m30s\" or integer nanoseconds), got a bool")]
    [InlineData("service {\n  name = \"a\"\n  check { ttl = 1.5 }\n}", "t.hcl:3:17: \"ttl\" must be a duration (\"10s\", \"1m30s\" or integer nanoseconds), got a number")]
    [InlineData("service {\n  port = 80\n}", "t.hcl:1:9: missing service name")]
    [InlineData("service {\n  name = \"a\"\n  kind = \"mesh-gateway\"\n}", "t.hcl:1:9: service \"a\": kind must be \"\" or \"connect-proxy\", not \"mesh-gateway\"")]
    [InlineData("service {\n  name = \"a\"\n  kind = \"connect-proxy\"\n}", "t.hcl:1:9: service \"a\": a connect-proxy needs proxy.destination_service_name")]
    [InlineData("service {\n  name = \"a\"\n  kind = \"connect-proxy\"\n  proxy { destination_service_name = \"b\" }\n  connect { sidecar_service {} }\n}", "t.hcl:1:9: service \"a\": a connect-proxy cannot have a sidecar_service")]
    [InlineData("service {\n  name = \"a\"\n  connect { sidecar_service { proxy { upstreams = [{ local_bind_port = 1 }] } } }\n}", "t.hcl:3:52: upstream: missing destination_name")]
    [InlineData("service {\n  name = \"a\"\n  connect { sidecar_service { proxy { upstreams = [{ destination_name = \"b\" }] } } }\n}", "t.hcl:3:52: upstream \"b\": local_bind_port must be set (1-65535)")]
    [InlineData("service {\n  name = \"a\"\n  proxy { upstreams = [{ destination_name = \"b\", local_bind_port = 1, destination_type = \"x\" }] }\n}", "t.hcl:3:24: upstream \"b\": destination_type must be \"service\" or \"prepared_query\", not \"x\"")]
    [InlineData("service {\n  name = \"a\"\n  check {\n    id = \"c\"\n  }\n}", "t.hcl:3:9: check \"c\": set one of args, http, tcp, grpc, ttl or alias_service/alias_node")]
    public void Service_errors(string text, string message) => Fails(message, () => Service(text));

    [Theory]
    [InlineData("name = \"n\"\nhttp = \"http://x\"\ntcp = \"x:1\"\ninterval = \"1s\"", "t.hcl:1:1: check \"n\": only one of args, http, tcp, grpc, ttl or alias_service/alias_node may be set, found http and tcp")]
    [InlineData("id = \"c\"\nargs = [\"x\"]\nttl = \"1s\"", "t.hcl:1:1: check \"c\": only one of args, http, tcp, grpc, ttl or alias_service/alias_node may be set, found args and ttl")]
    [InlineData("id = \"c\"\nhttp = \"http://x\"", "t.hcl:1:1: check \"c\": interval must be > 0 for http checks")]
    [InlineData("id = \"c\"\ntcp = \"x:1\"\ninterval = \"0s\"", "t.hcl:1:1: check \"c\": interval must be > 0 for tcp checks")]
    [InlineData("ttl = \"10s\"\ninterval = \"10s\"", "t.hcl:1:1: check: interval and ttl cannot both be set")]
    [InlineData("id = \"c\"\nttl = \"10s\"\nstatus = \"ok\"", "t.hcl:1:1: check \"c\": status must be \"passing\", \"warning\" or \"critical\", not \"ok\"")]
    [InlineData("id = \"c\"\nttl = \"10s\"\noutput_max_size = -1", "t.hcl:1:1: check \"c\": output_max_size must not be negative")]
    [InlineData("id = \"c\"\nttl = \"10s\"\nfailures_before_warning = 2", "t.hcl:1:1: check \"c\": failures_before_warning can't be higher than failures_before_critical")]
    [InlineData("id = \"c\"\nscript = \"x\"", "t.hcl:2:1: unknown key \"script\"")]
    [InlineData("id = \"c\"\nalias_service = \"web\"\nttl = \"10s\"", "t.hcl:1:1: check \"c\": only one of args, http, tcp, grpc, ttl or alias_service/alias_node may be set, found ttl and alias")]
    [InlineData("id = \"c\"\nalias_node = \"n\"\ntcp = \"x:1\"\ninterval = \"1s\"", "t.hcl:1:1: check \"c\": only one of args, http, tcp, grpc, ttl or alias_service/alias_node may be set, found tcp and alias")]
    public void Check_errors(string text, string message) => Fails(message, () => Check(text));

    [Fact]
    public void Api_bodies_still_reject_type_mismatches_and_invalid_definitions()
    {
        Fails("request body:1:20: \"Port\" must be an integer, got a string",
            () => ConfigBinder.BindService(JsonConfigReader.Parse("""{"Name":"a","Port":"80"}""", "request body")));
        Fails("request body:1:1: missing service name",
            () => ConfigBinder.BindService(JsonConfigReader.Parse("""{"Port":80}""", "request body")));
        Fails("request body:1:1: \"service\" must be an object, got a list",
            () => ConfigBinder.BindService(JsonConfigReader.Parse("[]", "request body")));
        var error = Assert.Throws<ConfigException>(() => ConfigBinder.BindCheck(JsonConfigReader.Parse("""{"Name":"m","HTTP":"http://x"}""", "request body")));
        Assert.Equal("check \"m\": interval must be > 0 for http checks", error.Detail);
        Assert.Equal(new SourcePosition("request body", 1, 1), error.Position);
    }
}
