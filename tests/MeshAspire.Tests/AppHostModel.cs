namespace MeshAspire.Tests;

/// <summary>This solution's app host: what it declares, shared by the model tests and the running test.</summary>
internal static class AppHostModel
{
    public const int ServerCount = 3;

    /// <summary>Every resource the app host runs, each healthy once the datacenter works.</summary>
    public static IEnumerable<string> Resources()
    {
        yield return "dc1";
        for (var i = 1; i <= ServerCount; i++)
        {
            yield return $"dc1-server-{i}";
        }
#if (!NoSamples)
        foreach (var service in new[] { "counting", "dashboard" })
        {
            yield return service;
            yield return $"{service}-agent";
            yield return $"{service}-sidecar";
        }
#endif
    }

    public static Task<IDistributedApplicationTestingBuilder> CreateAsync(params string[] args) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.MeshAspire_AppHost>(args);
}
