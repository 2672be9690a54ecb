namespace Mesh.Server.Tests.Cli;

public sealed class HelpTests
{
    // The seed walkthrough's `consul catalog --help`, with consul replaced by mesh.
    private const string CatalogHelp = """
        Usage: mesh catalog <subcommand> [options] [args]

          This command has subcommands for interacting with Consul's catalog. The
          catalog should not be confused with the agent, although the APIs and
          responses may be similar.

          Here are some simple examples, and more detailed examples are available
          in the subcommands or the documentation.

          List all datacenters:

              $ mesh catalog datacenters

          List all nodes:

              $ mesh catalog nodes

          List all services:

              $ mesh catalog services

          For more examples, ask for subcommand help or view the documentation.

        Subcommands:
            datacenters    Lists all known datacenters
            nodes          Lists all nodes in the given datacenter
            services       Lists all registered services in a datacenter

        """;

    [Theory]
    [InlineData("--help")]
    [InlineData("-help")]
    [InlineData("-h")]
    public async Task CatalogHelpIsConsulsText(string flag)
    {
        var result = await CliRunner.RunAsync("catalog", flag);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(CatalogHelp, result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task AGroupWithoutSubcommandPrintsItsHelpAndFails()
    {
        var result = await CliRunner.RunAsync("catalog");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(CatalogHelp, result.Out);
    }

    [Fact]
    public async Task LeafHelpListsHttpAndCommandOptionsLikeConsul()
    {
        var result = await CliRunner.RunAsync("kv", "get", "-help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Usage: mesh kv get [options] [KEY_OR_PREFIX]\n\n  Retrieves the value", result.Out);
        var http = result.Out.IndexOf("\nHTTP API Options\n\n  -datacenter=<value>\n     Name of the datacenter", StringComparison.Ordinal);
        var command = result.Out.IndexOf("\nCommand Options\n\n  -base64\n     Base64 encode the value.", StringComparison.Ordinal);
        Assert.True(http > 0 && command > http, result.Out);
        Assert.Contains("\n  -http-addr=<address>\n", result.Out);
        Assert.Contains("\n  -separator=<string>\n", result.Out);
        Assert.EndsWith("taken into account when paired with\n     the -keys flag.\n", result.Out);
        Assert.All(result.Out.Split('\n'), line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public async Task HelpWinsAnywhereBeforeDoubleDash()
    {
        var result = await CliRunner.RunAsync("kv", "put", "-bogus", "key", "-h");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Usage: mesh kv put [options] KEY [DATA]", result.Out);
    }

    [Theory]
    [InlineData]
    [InlineData("-help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task TopLevelHelpListsTheCommands(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.Equal(args.Length == 0 ? 1 : 0, result.ExitCode);
        Assert.StartsWith("Usage: mesh [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n", result.Out);
        Assert.Contains("\n    agent          Runs a mesh agent\n", result.Out);
        Assert.Contains("\n    event          Fire a new event\n", result.Out);
        Assert.Contains("\n    force-leave    Forces a member of the cluster to enter the \"left\" state\n", result.Out);
        Assert.Contains("\n    join           Tell mesh agent to join cluster\n", result.Out);
        Assert.Contains("\n    keygen         Generates a new encryption key\n", result.Out);
        Assert.Contains("\n    keyring        Manages gossip layer encryption keys\n", result.Out);
        Assert.Contains("\n    kv             Interact with the key-value store\n", result.Out);
        Assert.Contains("\n    version        Prints the mesh version\n", result.Out);
        Assert.EndsWith("\n    watch          Watch for changes in the mesh\n", result.Out);
    }

    [Theory]
    [InlineData("unknown command \"frobnicate\"\nRun 'mesh -help' for usage.\n", "frobnicate")]
    [InlineData("unknown subcommand \"frob\"\nRun 'mesh catalog -help' for usage.\n", "catalog", "frob")]
    [InlineData("flag provided but not defined: -recursive\nRun 'mesh kv get -help' for usage.\n", "kv", "get", "-recursive", "k")]
    public async Task UnknownNamesAreOneLineAndAHint(string expected, params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal(expected, result.Error);
    }
}
