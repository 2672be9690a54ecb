using Mesh.Sidecar.Tests.Harness;

namespace Mesh.Sidecar.Tests;

/// <summary>The real binary's answer to arguments it cannot run with: one readable line, exit 1.</summary>
public sealed class SidecarCliTests
{
    [Theory]
    [InlineData(new string[0], "one of -sidecar-for or -proxy-id is required")]
    [InlineData(new[] { "-sidecar-for", "web", "-bogus", "1" }, "flag provided but not defined: -bogus")]
    [InlineData(new[] { "-sidecar-for" }, "flag needs an argument: -sidecar-for")]
    [InlineData(new[] { "-sidecar-for", "web", "-grpc-addr", "nonsense:port" }, "invalid -grpc-addr \"nonsense:port\"")]
    [InlineData(new[] { "-sidecar-for", "web", "-log-level", "loud" }, "invalid -log-level \"loud\"")]
    [InlineData(new[] { "-sidecar-for", "web", "-admin-bind", "localhost" }, "invalid -admin-bind \"localhost\"")]
    public async Task BadArgumentsPrintOneLineAndExitOne(string[] args, string expected)
    {
        using var process = System.Diagnostics.Process.Start(SidecarProcess.StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Mesh.Sidecar: ", line);
        Assert.Contains(expected, line);
        Assert.Equal("", await stdout);
    }
}
