using Mesh.Server.Tests.Cli;
using Mesh.Server.Tests.Http;

namespace Mesh.Server.Tests.Intentions;

/// <summary><c>mesh intention</c> against the real API over a real listener.</summary>
public sealed class IntentionCommandTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Task<CliResult> RunAsync(params string[] args) =>
        CliRunner.RunAsync([.. args], new Dictionary<string, string> { ["MESH_HTTP_ADDR"] = _api.Client.BaseAddress!.ToString().TrimEnd('/') });

    [Fact]
    public async Task Create_then_get_check_match_list_and_delete()
    {
        Assert.Equal(new CliResult(0, "Created: dashboard => counting (allow)\n", ""), await RunAsync("intention", "create", "dashboard", "counting"));
        Assert.Equal(new CliResult(0, "Created: * => counting (deny)\n", ""), await RunAsync("intention", "create", "-deny", "*", "counting"));

        var get = await RunAsync("intention", "get", "dashboard", "counting");
        Assert.Equal(0, get.ExitCode);
        var lines = get.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("Source:       dashboard", lines[0]);
        Assert.Equal("Destination:  counting", lines[1]);
        Assert.Equal("Action:       allow", lines[2]);
        Assert.Matches("^ID:           [0-9a-f-]{36}$", lines[3]);
        Assert.Matches("^Created At:   [A-Z][a-z]+day, [0-9]{2}-[A-Z][a-z]{2}-[0-9]{2} [0-9:]{8} UTC$", lines[4]);

        Assert.Equal(new CliResult(0, "Allowed\n", ""), await RunAsync("intention", "check", "dashboard", "counting"));
        Assert.Equal(new CliResult(2, "Denied\n", ""), await RunAsync("intention", "check", "web", "counting"));
        Assert.Equal(new CliResult(0, "dashboard => counting (allow)\n* => counting (deny)\n", ""), await RunAsync("intention", "match", "counting"));
        // A wildcard source applies to every source too.
        Assert.Equal(new CliResult(0, "dashboard => counting (allow)\n* => counting (deny)\n", ""), await RunAsync("intention", "match", "-source", "dashboard"));
        Assert.Equal(new CliResult(0, "* => counting (deny)\n", ""), await RunAsync("intention", "match", "-source", "web"));

        var list = await RunAsync("intention", "list");
        Assert.Equal(0, list.ExitCode);
        var rows = list.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3, rows.Length);
        Assert.Matches("^ID +Source +Action +Destination +Precedence$", rows[0]);
        Assert.Matches("^[0-9a-f-]{36}  dashboard  allow   counting     9$", rows[1]);
        Assert.Matches("^[0-9a-f-]{36}  \\*          deny    counting     8$", rows[2]);

        Assert.Equal(new CliResult(0, "Intention deleted.\n", ""), await RunAsync("intention", "delete", "dashboard", "counting"));
        Assert.Equal(new CliResult(0, "Allowed\n", ""), await RunAsync("intention", "check", "dashboard", "other"));
        Assert.Equal(new CliResult(0, "* => counting (deny)\n", ""), await RunAsync("intention", "match", "counting"));
    }

    [Fact]
    public async Task Create_refuses_an_existing_pair_unless_replacing()
    {
        await RunAsync("intention", "create", "web", "db");

        var duplicate = await RunAsync("intention", "create", "-deny", "web", "db");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.StartsWith("Error creating intention \"web => db (deny)\": Unexpected response code: 500 (duplicate intention found: web => db (ID: ", duplicate.Error, StringComparison.Ordinal);

        Assert.Equal(new CliResult(0, "Created: web => db (deny)\n", ""), await RunAsync("intention", "create", "-replace", "-deny", "-description", "closed", "web", "db"));
        var get = await RunAsync("intention", "get", "web", "db");
        Assert.Contains("Action:       deny\n", get.Out, StringComparison.Ordinal);
        Assert.Contains("Description:  closed\n", get.Out, StringComparison.Ordinal);
        Assert.Equal(new CliResult(2, "Denied\n", ""), await RunAsync("intention", "check", "web", "db"));
    }

    [Fact]
    public async Task Usage_errors_and_empty_answers()
    {
        Assert.Equal(new CliResult(1, "", "Must specify two arguments: source and destination\n"), await RunAsync("intention", "create", "web"));
        Assert.Equal(new CliResult(1, "", "Only one of -allow or -deny may be specified.\n"), await RunAsync("intention", "create", "-allow", "-deny", "a", "b"));
        Assert.Equal(new CliResult(1, "", "Error: command requires exactly two arguments: src and dst\n"), await RunAsync("intention", "check", "a"));
        Assert.Equal(new CliResult(1, "", "Error: only one of -source or -destination may be specified\n"), await RunAsync("intention", "match", "-source", "-destination", "a"));
        Assert.Equal(new CliResult(1, "", "command requires exactly 1 or 2 arguments\n"), await RunAsync("intention", "delete"));
        Assert.Equal(new CliResult(2, "", "There are no intentions.\n"), await RunAsync("intention", "list"));
        Assert.Equal(new CliResult(1, "", "Error reading the intention: Intention not found\n"), await RunAsync("intention", "get", "a", "b"));
        Assert.Equal(new CliResult(1, "", "Intention with ID \"nope\" not found\n"), await RunAsync("intention", "get", "nope"));
    }
}
