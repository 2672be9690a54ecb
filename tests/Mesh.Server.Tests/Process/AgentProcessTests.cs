using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Server.Tests.Process;

/// <summary>The real binary's behaviour at its edges: config errors, script checks, leave, CLI usage errors.</summary>
public sealed class AgentProcessTests
{
    [Fact]
    public async Task A_config_error_names_file_line_and_column_and_exits_1()
    {
        var dir = Directory.CreateTempSubdirectory("mesh-config-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "web.hcl"), "service {\n  name = \"web\"\n  prot = 80\n}\n");

            var result = await MeshProcess.RunAsync(["agent", "-dev", $"-config-dir={dir.FullName}", "-http-port", MeshProcess.StablePort().ToString(System.Globalization.CultureInfo.InvariantCulture)]);

            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
            Assert.Contains($"{Path.Combine(dir.FullName, "web.hcl")}:3:3:", line);
            Assert.Contains("prot", line);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Script_checks_run_only_when_enabled()
    {
        const string Body = """{"Name":"job","Port":1,"Check":{"Args":["/bin/sh","-c","echo warned; exit 1"],"Interval":"1s"}}""";
        await using (var disabled = await AgentProcess.StartAsync("-dev"))
        {
            using var refused = await disabled.Http.PutAsync("/v1/agent/service/register", new StringContent(Body));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Scripts are disabled", await refused.Content.ReadAsStringAsync());
            Assert.Equal("{}", (await disabled.Http.GetStringAsync("/v1/agent/services")).Trim());
        }

        await using var enabled = await AgentProcess.StartAsync("-dev", "-enable-script-checks");
        using (var accepted = await enabled.Http.PutAsync("/v1/agent/service/register", new StringContent(Body)))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        // Exit 1 is a warning, and the output is kept; the catalog shows it once the first run is done.
        await Eventually.TrueAsync(() => CheckStatus(enabled, "job") == ("warning", "warned\n"), "the script check to report warning");
    }

    [Fact]
    public async Task Leave_stops_the_agent_gracefully()
    {
        await using var agent = await AgentProcess.StartAsync("-dev");

        var leave = await agent.CliAsync("leave");

        Assert.Equal("Graceful leave complete\n", leave.Stdout);
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_terminated_agent_exits_at_once_though_a_blocking_query_waits()
    {
        await using var agent = await AgentProcess.StartAsync("-dev");
        using var first = await agent.Http.GetAsync("/v1/kv/terminate/watched");
        var index = first.Headers.GetValues("X-Consul-Index").Single();
        var blocking = agent.Http.GetAsync($"/v1/kv/terminate/watched?index={index}&wait=5m");
        // A later request answered means the blocking one (sent first) is being served.
        (await agent.Http.GetAsync("/v1/status/leader")).EnsureSuccessStatusCode();
        Assert.False(blocking.IsCompleted);

        await agent.TerminateAsync();

        // Kestrel would otherwise wait for the query for the host's whole 30 s shutdown timeout.
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        // The query is answered early, as when its wait ends.
        using var answered = await blocking;
    }

    [Theory]
    [InlineData("kv", "put")]
    [InlineData("kv", "get", "-nosuchflag", "k")]
    [InlineData("nosuchcommand")]
    public async Task Cli_usage_errors_exit_1_without_a_stack_trace(params string[] args)
    {
        var result = await MeshProcess.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.NotEqual("", result.Stderr.Trim());
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task An_unreachable_agent_is_one_line_and_exit_1()
    {
        var port = MeshProcess.FreeTcpPort();
        var result = await MeshProcess.RunAsync(["kv", "get", $"-http-addr=127.0.0.1:{port}", "k"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("connection refused", result.Stderr);
    }

    private static (string?, string?) CheckStatus(AgentProcess agent, string service)
    {
        var checks = agent.Http.GetFromJsonAsync<JsonElement>($"/v1/health/checks/{service}").GetAwaiter().GetResult();
        var check = checks.EnumerateArray().FirstOrDefault();
        return check.ValueKind == JsonValueKind.Undefined
            ? (null, null)
            : (check.GetProperty("Status").GetString(), check.GetProperty("Output").GetString());
    }
}
