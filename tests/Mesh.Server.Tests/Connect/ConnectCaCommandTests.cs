using Mesh.Server.Tests.Cli;
using Mesh.Server.Tests.Http;

namespace Mesh.Server.Tests.Connect;

public sealed class ConnectCaCommandTests : IAsyncLifetime
{
    private DevAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await DevAgent.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private async Task<CliResult> GetConfigAsync()
    {
        // The leader creates the CA just after start.
        var deadline = DateTime.UtcNow + Eventually.DefaultDeadline;
        while (true)
        {
            var result = await CliRunner.RunAsync(["connect", "ca", "get-config"], _agent.CliEnvironment);
            if (result.ExitCode == 0 || DateTime.UtcNow > deadline)
            {
                return result;
            }
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task GetConfigPrintsConsulsJson()
    {
        var result = await GetConfigAsync();

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(
            "^\\{\n\t\"Provider\": \"consul\",\n\t\"Config\": \\{\n\t\t\"IntermediateCertTTL\": \"8760h\",\n\t\t\"LeafCertTTL\": \"72h\",\n"
            + "\t\t\"PrivateKeyBits\": 256,\n\t\t\"PrivateKeyType\": \"ec\",\n\t\t\"RootCertTTL\": \"87600h\",\n\t\t\"RotationPeriod\": \"2160h\"\n\t\\},\n"
            + "\t\"State\": null,\n\t\"ForceWithoutCrossSigning\": false,\n\t\"CreateIndex\": \\d+,\n\t\"ModifyIndex\": \\d+\n\\}\n$",
            result.Out);
    }

    [Fact]
    public async Task SetConfigUpdatesIt()
    {
        Assert.Equal(0, (await GetConfigAsync()).ExitCode);
        var file = Path.Combine(Path.GetTempPath(), $"ca-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"Provider":"consul","Config":{"LeafCertTTL":"24h"}}""");
        try
        {
            var set = await CliRunner.RunAsync(["connect", "ca", "set-config", "-config-file", file], _agent.CliEnvironment);
            Assert.Equal((0, "Configuration updated!\n"), (set.ExitCode, set.Out));

            var get = await CliRunner.RunAsync(["connect", "ca", "get-config"], _agent.CliEnvironment);
            Assert.Contains("\t\t\"LeafCertTTL\": \"24h\",\n", get.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task SetConfigReportsFailures()
    {
        Assert.Equal(0, (await GetConfigAsync()).ExitCode);
        var missing = await CliRunner.RunAsync(["connect", "ca", "set-config"], _agent.CliEnvironment);
        Assert.Equal((1, "-config-file is required\n"), (missing.ExitCode, missing.Error));

        var unreadable = await CliRunner.RunAsync(["connect", "ca", "set-config", "-config-file", "/nonexistent/ca.json"], _agent.CliEnvironment);
        Assert.Equal(1, unreadable.ExitCode);
        Assert.StartsWith("Error reading config file: ", unreadable.Error, StringComparison.Ordinal);

        var file = Path.Combine(Path.GetTempPath(), $"ca-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"Provider":"vault"}""");
        try
        {
            var refused = await CliRunner.RunAsync(["connect", "ca", "set-config", "-config-file", file], _agent.CliEnvironment);
            Assert.Equal(1, refused.ExitCode);
            Assert.StartsWith("Error setting CA configuration: Unexpected response code: 400 (CA provider \"vault\" is not supported", refused.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
