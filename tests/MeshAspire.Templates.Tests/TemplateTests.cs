using System.Diagnostics;
using Xunit.Abstractions;

namespace MeshAspire.Templates.Tests;

/// <summary>
/// `dotnet new meshaspire` under a new name for each option value: the solution builds and its own tests pass.
/// One class, so the builds run one after the other (two cores; each build uses both).
/// </summary>
public sealed class TemplateTests(TemplatePackage package, ITestOutputHelper output) : IClassFixture<TemplatePackage>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Defaults_under_a_dotted_name_build_and_pass_their_unit_and_aspire_tests()
    {
        var clock = Stopwatch.StartNew();
        var solution = await NewAsync("Contoso.Shop");
        Assert.True(File.Exists(Path.Combine(solution, "Contoso.Shop.slnx")));
        Assert.True(File.Exists(Path.Combine(solution, "AppHost", "Contoso.Shop.AppHost.csproj")));
        Assert.True(File.Exists(Path.Combine(solution, "tests", "Contoso.Shop.Tests", "Contoso.Shop.Tests.csproj")));
        Assert.True(Directory.Exists(Path.Combine(solution, "Samples.Counting")));
        Assert.Contains("WithServers(3)", await File.ReadAllTextAsync(Path.Combine(solution, "AppHost", "AppHost.cs")));
        Assert.Contains("# Contoso.Shop", await File.ReadAllTextAsync(Path.Combine(solution, "README.md")));

        await BuildAsync(solution);
        await TestAsync(solution, "Category!=Aspire");
        output.WriteLine($"new + build + unit tests: {clock.Elapsed.TotalSeconds:F0} s");
        await TestAsync(solution, "Category=Aspire");
        output.WriteLine($"... + Aspire test: {clock.Elapsed.TotalSeconds:F0} s");
    }

    [Fact]
    public async Task Five_servers_without_samples_under_a_hyphenated_name_build_and_pass_their_unit_tests()
    {
        // Not a C# identifier: files keep the name, namespaces and the generated Projects class get a safe form.
        var solution = await NewAsync("fabrikam-shop", "--servers", "5", "--samples", "false");
        Assert.True(File.Exists(Path.Combine(solution, "AppHost", "fabrikam-shop.AppHost.csproj")));
        Assert.Contains("namespace fabrikam_shop.Tests;", await File.ReadAllTextAsync(Path.Combine(solution, "tests", "fabrikam-shop.Tests", "AppHostModel.cs")));
        Assert.False(Directory.Exists(Path.Combine(solution, "Samples.Counting")));
        Assert.False(Directory.Exists(Path.Combine(solution, "Samples.Dashboard")));
        var appHost = await File.ReadAllTextAsync(Path.Combine(solution, "AppHost", "AppHost.cs"));
        Assert.Contains("WithServers(5)", appHost);
        Assert.DoesNotContain("Samples", appHost);
        Assert.DoesNotContain("Samples", await File.ReadAllTextAsync(Path.Combine(solution, "fabrikam-shop.slnx")));

        await BuildAsync(solution);
        // The model tests check that the app host declares five servers, each expecting five.
        await TestAsync(solution, "Category!=Aspire");
    }

    [Fact]
    public async Task Without_tests_the_solution_builds()
    {
        var solution = await NewAsync("Northwind", "--tests", "false", "--test-framework", "xunit");
        Assert.False(Directory.Exists(Path.Combine(solution, "tests")));
        Assert.DoesNotContain("tests/", await File.ReadAllTextAsync(Path.Combine(solution, "Northwind.slnx")));

        await BuildAsync(solution);
    }

    [Fact]
    public async Task The_mesh_tool_installs_from_its_package_and_runs()
    {
        var packages = Path.Combine(package.Root, "tool-packages");
        var tools = Path.Combine(package.Root, "tools");
        await DotNet.RunAsync(package.RepoRoot, BuildTimeout, "pack", "Mesh.Server", "-o", packages);
        await DotNet.RunAsync(package.Root, TemplatePackage.Quick, "tool", "install", "--tool-path", tools, "--add-source", packages, "Mesh.Server");

        var version = await RunAsync(Path.Combine(tools, "mesh"), "version");
        Assert.StartsWith("MeshAspire v", version);
    }

    private async Task<string> NewAsync(string name, params string[] options)
    {
        var clock = Stopwatch.StartNew();
        var solution = await package.NewAsync(name, options);
        output.WriteLine($"dotnet new meshaspire -n {name} {string.Join(' ', options)} (with restore): {clock.Elapsed.TotalSeconds:F0} s");
        return solution;
    }

    private async Task BuildAsync(string solution)
    {
        var clock = Stopwatch.StartNew();
        await DotNet.RunAsync(solution, BuildTimeout, "build", "--no-restore", "-nodeReuse:false");
        output.WriteLine($"build: {clock.Elapsed.TotalSeconds:F0} s");
    }

    private async Task TestAsync(string solution, string filter)
    {
        var clock = Stopwatch.StartNew();
        var result = await DotNet.RunAsync(solution, BuildTimeout, "test", "--no-build", "--filter", filter);
        Assert.Contains("Passed!", result);
        output.WriteLine($"test {filter}: {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
