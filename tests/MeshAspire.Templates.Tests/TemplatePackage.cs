namespace MeshAspire.Templates.Tests;

/// <summary>
/// The template package packed from this repository and installed in a private template hive, plus a scratch folder
/// for the solutions created from it; everything is deleted at the end.
/// </summary>
public sealed class TemplatePackage : IAsyncLifetime
{
    public static readonly TimeSpan Quick = TimeSpan.FromMinutes(5);

    public string RepoRoot { get; } = FindRepoRoot();

    public string Root { get; } = Directory.CreateTempSubdirectory("meshaspire-templates-").FullName;

    private string Hive => Path.Combine(Root, "hive");

    public async Task InitializeAsync()
    {
        var packages = Path.Combine(Root, "packages");
        await DotNet.RunAsync(RepoRoot, Quick, "pack", Path.Combine("templates", "MeshAspire.Templates.csproj"), "-o", packages);
        var package = Assert.Single(Directory.GetFiles(packages, "MeshAspire.Templates.*.nupkg"));
        await DotNet.RunAsync(Root, Quick, "new", "install", package, "--debug:custom-hive", Hive);
    }

    /// <summary>`dotnet new meshaspire -n <paramref name="name"/>` with the options, restore included; returns the solution's folder.</summary>
    public async Task<string> NewAsync(string name, params string[] options)
    {
        var directory = Path.Combine(Root, name);
        var output = await DotNet.RunAsync(Root, Quick, ["new", "meshaspire", "-n", name, "-o", directory, "--debug:custom-hive", Hive, .. options]);
        Assert.Contains("Restore succeeded", output);
        return directory;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "MeshAspire.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException($"no MeshAspire.sln above {AppContext.BaseDirectory}");
        }
        return directory.FullName;
    }
}
