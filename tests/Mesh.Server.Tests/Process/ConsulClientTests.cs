namespace Mesh.Server.Tests.Process;

/// <summary>The npm `consul` package, unchanged, against a real dev agent: kv, catalog, agent, health, blocking.</summary>
public sealed class ConsulClientTests : IAsyncLifetime
{
    private static readonly string ClientDir = Path.Combine(AppContext.BaseDirectory, "ConsulClient");
    private AgentProcess _agent = null!;

    public async Task InitializeAsync() => _agent = await AgentProcess.StartAsync("-dev");

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task Npm_consul_client_works_unchanged()
    {
        if (!Directory.Exists(Path.Combine(ClientDir, "node_modules")))
        {
            var install = await RunAsync("npm", "ci --no-audit --no-fund");
            Assert.True(install.ExitCode == 0, $"npm ci failed: {install}");
        }

        var result = await RunAsync("node", $"client.mjs {_agent.HttpPort}");

        Assert.True(result.ExitCode == 0, $"{result}\nagent:\n{_agent.Output}");
        Assert.Contains("consul client: all checks passed", result.Stdout);
    }

    private static async Task<CliResult> RunAsync(string file, string arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = ClientDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(deadline.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
