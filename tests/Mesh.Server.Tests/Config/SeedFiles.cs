namespace Mesh.Server.Tests.Config;

/// <summary>The seed walkthrough's three config files, byte for byte, from Process/SeedConfig (copied beside the tests).</summary>
internal static class SeedFiles
{
    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Process", "SeedConfig");

    public static string ConfHcl => Read("conf.hcl");

    public static string CountingHcl => Read("counting.hcl");

    public static string DashboardHcl => Read("dashboard.hcl");

    private static string Read(string name) => File.ReadAllText(Path.Combine(Directory, name));
}
