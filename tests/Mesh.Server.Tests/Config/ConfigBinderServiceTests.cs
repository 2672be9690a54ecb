using System.Text.Json;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

public sealed class ConfigBinderServiceTests
{
    internal static ServiceDefinition ServiceFromHcl(string text, BindOptions? options = null)
    {
        var root = HclParser.Parse(text, "t.hcl");
        return ConfigBinder.BindService(Assert.Single(root.Entries).Value, options ?? BindOptions.ConfigFile);
    }

    [Fact]
    public void Seed_counting_service_binds_with_its_sidecar_and_http_check()
    {
        var service = ServiceFromHcl(SeedFiles.CountingHcl);

        Assert.Equal(("counting", "counting-1", 9003), (service.Name, service.ID, service.Port));
        Assert.NotNull(service.Connect?.SidecarService);
        Assert.Null(service.Connect.SidecarService.Name);
        var check = Assert.IsType<CheckDefinition>(service.Check);
        Assert.Equal("counting-check", check.EffectiveId);
        Assert.Equal(("http://localhost:9003/health", "GET"), (check.HTTP, check.Method));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), (check.Interval, check.Timeout));
        Assert.Null(service.Checks);
    }

    [Fact]
    public void Seed_dashboard_service_binds_its_upstream()
    {
        var service = ServiceFromHcl(SeedFiles.DashboardHcl);

        Assert.Equal(("dashboard", 9002), (service.Name, service.Port));
        var upstream = Assert.Single(service.Connect!.SidecarService!.Proxy!.Upstreams!);
        Assert.Equal(("counting", 5000), (upstream.DestinationName, upstream.LocalBindPort));
        Assert.Equal("dashboard-check", service.Check!.ID);
    }

    [Fact]
    public void Snake_case_hcl_and_pascal_case_json_bind_to_the_same_service()
    {
        const string hcl = """
            service {
              name = "web"
              id = "web-1"
              kind = ""
              tags = ["a", "b"]
              address = "10.0.0.1"
              port = 8080
              enable_tag_override = true
              meta = { version = "1" }
              tagged_addresses = { lan = { address = "10.0.0.1", port = 8080 } }
              weights = { passing = 3, warning = 2 }
              connect {
                sidecar_service {
                  port = 21000
                  proxy {
                    local_service_address = "127.0.0.1"
                    local_service_port = 8080
                    config = { protocol = "http" }
                    upstreams = [{ destination_name = "db", destination_type = "service", datacenter = "dc2", local_bind_address = "127.0.0.1", local_bind_port = 9191 }]
                  }
                }
              }
              checks = [
                { check_id = "c1", name = "ttl", ttl = "30s", status = "passing", notes = "n" },
                { id = "c2", http = "https://x/health", tls_skip_verify = true, tls_server_name = "x", header = { "X-A" = ["b"] }, body = "{}", interval = "10s", timeout = "2s", deregister_critical_service_after = "90m", success_before_passing = 2, failures_before_warning = 1, failures_before_critical = 3, output_max_size = 100 },
                { id = "c3", grpc = "127.0.0.1:9000", grpc_use_tls = true, interval = "5s" },
                { id = "c4", args = ["/bin/true"], shell = "/bin/sh", interval = "5s" },
              ]
            }
            """;
        const string json = """
            {
              "Name": "web", "ID": "web-1", "Kind": "", "Tags": ["a", "b"], "Address": "10.0.0.1", "Port": 8080,
              "EnableTagOverride": true, "Meta": {"version": "1"},
              "TaggedAddresses": {"lan": {"Address": "10.0.0.1", "Port": 8080}},
              "Weights": {"Passing": 3, "Warning": 2},
              "Connect": {"SidecarService": {"Port": 21000, "Proxy": {
                "LocalServiceAddress": "127.0.0.1", "LocalServicePort": 8080, "Config": {"protocol": "http"},
                "Upstreams": [{"DestinationName": "db", "DestinationType": "service", "Datacenter": "dc2", "LocalBindAddress": "127.0.0.1", "LocalBindPort": 9191}]}}},
              "Checks": [
                {"CheckID": "c1", "Name": "ttl", "TTL": "30s", "Status": "passing", "Notes": "n"},
                {"ID": "c2", "HTTP": "https://x/health", "TLSSkipVerify": true, "TLSServerName": "x", "Header": {"X-A": ["b"]}, "Body": "{}", "Interval": "10s", "Timeout": "2s", "DeregisterCriticalServiceAfter": "90m", "SuccessBeforePassing": 2, "FailuresBeforeWarning": 1, "FailuresBeforeCritical": 3, "OutputMaxSize": 100},
                {"ID": "c3", "GRPC": "127.0.0.1:9000", "GRPCUseTLS": true, "Interval": "5s"},
                {"ID": "c4", "ScriptArgs": ["/bin/true"], "Shell": "/bin/sh", "Interval": "5s"}
              ]
            }
            """;

        var fromHcl = ServiceFromHcl(hcl);
        var fromJson = ConfigBinder.BindService(JsonConfigReader.Parse(json, "body"));

        Assert.Equal(JsonSerializer.Serialize(fromHcl), JsonSerializer.Serialize(fromJson));
        Assert.Equal(["a", "b"], fromHcl.Tags);
        Assert.Equal(3, fromHcl.Weights!.Passing);
        Assert.Equal(8080, fromHcl.TaggedAddresses!["lan"].Port);
        Assert.Equal("http", fromHcl.Connect!.SidecarService!.Proxy!.Config!["protocol"]);
        var http = fromHcl.Checks![1];
        Assert.True(http.TLSSkipVerify);
        Assert.Equal(["b"], http.Header!["X-A"]);
        Assert.Equal(TimeSpan.FromMinutes(90), http.DeregisterCriticalServiceAfter);
        Assert.Equal((2, 1, 3, 100), (http.SuccessBeforePassing, http.FailuresBeforeWarning, http.FailuresBeforeCritical, http.OutputMaxSize));
        Assert.Equal("c1", fromHcl.Checks[0].EffectiveId);
        Assert.Equal(["/bin/true"], fromJson.Checks![3].Args);
        Assert.True(fromJson.Checks[2].GRPCUseTLS);
    }

    [Fact]
    public void Alias_checks_need_no_interval_or_ttl()
    {
        var check = ConfigBinder.BindCheck(JsonConfigReader.Parse("""{"CheckID":"a","AliasService":"web","AliasNode":"n1"}""", "body"));
        Assert.Equal(("web", "n1"), (check.AliasService, check.AliasNode));
        var snake = ConfigBinder.BindCheck(HclParser.Parse("id = \"b\"\nalias_service = \"web\"\ninterval = \"10s\"", "t.hcl"), BindOptions.ConfigFile);
        Assert.Equal("web", snake.AliasService);
    }

    [Theory]
    [InlineData("tls_skip_verify")]
    [InlineData("TLSSkipVerify")]
    [InlineData("TlsSkipVerify")]
    [InlineData("tlsskipverify")]
    [InlineData("TLS_SKIP_VERIFY")]
    public void Keys_match_ignoring_case_and_underscores(string key)
    {
        var check = ConfigBinder.BindCheck(HclParser.Parse($"HTTP = \"http://x\"\nInterval = \"1s\"\n{key} = true", "t.hcl"), BindOptions.ConfigFile);
        Assert.True(check.TLSSkipVerify);
    }

    [Fact]
    public void Repeated_check_blocks_accumulate_in_checks()
    {
        var service = ServiceFromHcl("""
            service {
              name = "web"
              check { id = "a", ttl = "10s" }
              checks = [{ id = "b", ttl = "10s" }]
              check { id = "c", ttl = "10s" }
              check { id = "d", ttl = "10s" }
            }
            """);

        Assert.Equal("a", service.Check!.ID);
        Assert.Equal(["b", "c", "d"], service.Checks!.Select(c => c.ID));
    }

    [Fact]
    public void A_block_where_a_list_is_expected_is_one_item_and_repeated_blocks_append()
    {
        var service = ServiceFromHcl("""
            service {
              name = "web"
              connect { sidecar_service { proxy {
                upstreams { destination_name = "a", local_bind_port = 1 }
                upstreams { destination_name = "b", local_bind_port = 2 }
              } } }
            }
            """);

        Assert.Equal(["a", "b"], service.Connect!.SidecarService!.Proxy!.Upstreams!.Select(u => u.DestinationName));
    }

    [Fact]
    public void Free_form_config_keeps_plain_values()
    {
        var service = ServiceFromHcl("""
            service {
              name = "web"
              proxy { destination_service_name = "x", config { s = "a", i = 7, f = 1.5, b = true, l = [1, "two"], o = { k = "v" } } }
              kind = "connect-proxy"
            }
            """);

        var config = service.Proxy!.Config!;
        Assert.Equal("a", config["s"]);
        Assert.Equal(7L, config["i"]);
        Assert.Equal(1.5, config["f"]);
        Assert.Equal(true, config["b"]);
        Assert.Equal(new object?[] { 1L, "two" }, Assert.IsType<List<object?>>(config["l"]));
        Assert.Equal("v", Assert.IsType<Dictionary<string, object?>>(config["o"])["k"]);
    }

    [Fact]
    public void Api_bodies_ignore_unknown_keys_and_nulls_but_files_reject_unknown_keys()
    {
        const string body = """{"Name": "web", "Port": 80, "Tags": null, "Token": "x", "Check": {"TTL": "10s", "DockerContainerID": "x"}}""";
        var service = ConfigBinder.BindService(JsonConfigReader.Parse(body, "request body"));

        Assert.Equal(("web", 80), (service.Name, service.Port));
        Assert.Null(service.Tags);
        Assert.Equal(TimeSpan.FromSeconds(10), service.Check!.TTL);
        ParsingAssert.Fails(
            "request body:1:43: unknown key \"Token\"",
            () => ConfigBinder.BindService(JsonConfigReader.Parse(body, "request body"), BindOptions.ConfigFile));
    }

    [Fact]
    public void Repeated_scalar_keys_are_an_error_in_files_and_the_last_wins_in_api_bodies()
    {
        const string text = "service {\n  name = \"a\"\n  name = \"b\"\n}";
        ParsingAssert.Fails("t.hcl:3:3: duplicate key \"name\"", () => ServiceFromHcl(text));
        Assert.Equal("b", ServiceFromHcl(text, BindOptions.ApiBody).Name);
    }

    [Fact]
    public void Repeated_blocks_of_a_single_section_merge()
    {
        var service = ServiceFromHcl("service {\n name = \"a\"\n connect { native = true }\n connect { sidecar_service {} }\n}");
        Assert.True(service.Connect!.Native);
        Assert.NotNull(service.Connect.SidecarService);
    }
}
