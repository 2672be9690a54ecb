using System.Net;
using System.Text.Json.Nodes;

namespace Mesh.Server.Tests.Process;

/// <summary><c>mesh watch</c> as a real process against a real dev agent.</summary>
public sealed class WatchProcessTests : IAsyncLifetime, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mesh-watch-");
    private AgentProcess? _agent;

    private AgentProcess Agent => _agent ?? throw new InvalidOperationException("The agent has not started.");

    public async Task InitializeAsync() => _agent = await AgentProcess.StartAsync("-dev");

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_key_watch_runs_its_handler_with_the_json_on_stdin_at_each_change()
    {
        var output = Path.Combine(_dir.FullName, "calls");
        var handler = Path.Combine(_dir.FullName, "handler.sh");
        await File.WriteAllTextAsync(handler, "#!/bin/sh\necho \"$CONSUL_INDEX $(cat)\" >> \"$1\"\n");

        using var watch = System.Diagnostics.Process.Start(MeshProcess.StartInfo(
            ["watch", "-http-addr", Agent.HttpAddress, "-type", "key", "-key", "foo", "sh", handler, output]))!;
        try
        {
            // The first call reports the key as it is: absent.
            var calls = await CallsAsync(output, 1);
            Assert.EndsWith(" null", calls[0], StringComparison.Ordinal);

            await PutAsync("foo", "bar");
            calls = await CallsAsync(output, 2);
            var (index, json) = Split(calls[1]);
            var pair = JsonNode.Parse(json)!.AsObject();
            Assert.Equal(["Key", "CreateIndex", "ModifyIndex", "LockIndex", "Flags", "Value", "Session"], pair.Select(p => p.Key));
            Assert.Equal("foo", pair["Key"]!.GetValue<string>());
            Assert.Equal("YmFy", pair["Value"]!.GetValue<string>());
            Assert.Equal(index, pair["ModifyIndex"]!.GetValue<ulong>());

            // Writes elsewhere do not call it; the key's deletion does.
            await PutAsync("other", "x");
            using (var deleted = await Agent.Http.DeleteAsync("/v1/kv/foo"))
            {
                deleted.EnsureSuccessStatusCode();
            }
            calls = await CallsAsync(output, 3);
            Assert.EndsWith(" null", calls[2], StringComparison.Ordinal);
            Assert.Equal(3, calls.Length);
            Assert.False(watch.HasExited);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_failing_handler_ends_the_watch_with_exit_1()
    {
        var result = await Agent.CliAsync("watch", "-type", "services", "exit 3");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error executing handler: exit status 3", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_handler_keyprefix_and_services_print_once_and_exit()
    {
        await PutAsync("app/a", "1");
        await PutAsync("app/b", "2");
        var prefix = await Agent.CliAsync("watch", "-type", "keyprefix", "-prefix", "app/");
        Assert.True(prefix.ExitCode == 0, prefix.ToString());
        var pairs = JsonNode.Parse(prefix.Stdout)!.AsArray();
        Assert.Equal(["app/a", "app/b"], pairs.Select(p => p!["Key"]!.GetValue<string>()));
        Assert.Equal(["MQ==", "Mg=="], pairs.Select(p => p!["Value"]!.GetValue<string>()));
        Assert.StartsWith("[\n    {\n        \"Key\": \"app/a\",\n", prefix.Stdout, StringComparison.Ordinal);

        var missing = await Agent.CliAsync("watch", "-type", "keyprefix", "-prefix", "nothing/");
        Assert.Equal("null\n", missing.Stdout);

        using (var registered = await Agent.Http.PutAsync("/v1/agent/service/register", new StringContent("""{"Name":"web","Tags":["v1"],"Port":80}""")))
        {
            registered.EnsureSuccessStatusCode();
        }
        // The agent writes a registration to the catalog before it answers.
        var services = await Agent.CliAsync("watch", "-type", "services");
        Assert.Equal(0, services.ExitCode);
        Assert.Equal("{\n    \"consul\": [],\n    \"web\": [\n        \"v1\"\n    ]\n}\n", services.Stdout);
    }

    [Fact]
    public async Task An_event_watch_runs_its_handler_with_only_the_new_events()
    {
        var output = Path.Combine(_dir.FullName, "calls");
        var handler = Path.Combine(_dir.FullName, "handler.sh");
        await File.WriteAllTextAsync(handler, "#!/bin/sh\necho \"$CONSUL_INDEX $(cat)\" >> \"$1\"\n");
        var before = await FireAsync("deploy", "old");

        using var watch = System.Diagnostics.Process.Start(MeshProcess.StartInfo(
            ["watch", "-http-addr", Agent.HttpAddress, "-type", "event", "-name", "deploy", "sh", handler, output]))!;
        try
        {
            // The first call has what the agent holds; later ones only what is new, and only of that name.
            var calls = await CallsAsync(output, 1);
            Assert.Equal([before], Ids(Split(calls[0]).Json));

            await FireAsync("other", "x");
            var next = await FireAsync("deploy", "new");
            calls = await CallsAsync(output, 2);
            var (index, json) = Split(calls[1]);
            Assert.Equal([next], Ids(json));
            Assert.Equal("bmV3", JsonNode.Parse(json)![0]!["Payload"]!.GetValue<string>());
            var hex = next.Replace("-", "", StringComparison.Ordinal);
            Assert.Equal(Convert.ToUInt64(hex[..16], 16) ^ Convert.ToUInt64(hex[16..], 16), index);
            Assert.Equal(2, calls.Length);
            Assert.False(watch.HasExited);
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }

        var printed = await Agent.CliAsync("watch", "-type", "event");
        Assert.True(printed.ExitCode == 0, printed.ToString());
        Assert.Equal(3, JsonNode.Parse(printed.Stdout)!.AsArray().Count);
    }

    [Fact]
    public async Task Bad_parameters_fail_with_one_line()
    {
        var eventWithKey = await Agent.CliAsync("watch", "-type", "event", "-key", "k");
        Assert.Equal((1, "Invalid parameters: [key]\n"), (eventWithKey.ExitCode, eventWithKey.Stderr));

        var extra = await Agent.CliAsync("watch", "-type", "key", "-key", "k", "-prefix", "p");
        Assert.Equal((1, "Invalid parameters: [prefix]\n"), (extra.ExitCode, extra.Stderr));

        var noKey = await Agent.CliAsync("watch", "-type", "key");
        Assert.Equal((1, "Must specify a single key to watch\n"), (noKey.ExitCode, noKey.Stderr));

        var noType = await Agent.CliAsync("watch");
        Assert.Equal(1, noType.ExitCode);
        Assert.StartsWith("Watch type must be specified\n", noType.Stderr, StringComparison.Ordinal);
    }

    private async Task<string> FireAsync(string name, string payload)
    {
        using var response = await Agent.Http.PutAsync($"/v1/event/fire/{name}", new StringContent(payload));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["ID"]!.GetValue<string>();
    }

    private static string[] Ids(string json) => [.. JsonNode.Parse(json)!.AsArray().Select(e => e!["ID"]!.GetValue<string>())];

    private async Task PutAsync(string key, string value)
    {
        using var response = await Agent.Http.PutAsync($"/v1/kv/{key}", new StringContent(value));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The handler's calls once there are <paramref name="count"/> of them.</summary>
    private static async Task<string[]> CallsAsync(string file, int count)
    {
        string[] lines = [];
        await Eventually.TrueAsync(
            () => (lines = File.Exists(file) ? File.ReadAllLines(file) : []).Length >= count,
            $"{count} handler calls",
            TimeSpan.FromSeconds(30));
        return lines;
    }

    private static (ulong Index, string Json) Split(string call)
    {
        var space = call.IndexOf(' ', StringComparison.Ordinal);
        return (ulong.Parse(call[..space], System.Globalization.CultureInfo.InvariantCulture), call[(space + 1)..]);
    }
}
