namespace MeshAspire.Tests;

/// <summary>Reads a resource's model: its parent and its `mesh agent` command line, without starting anything.</summary>
internal static class ModelAssert
{
    public static void ChildOf(IResource parent, IResource child)
    {
        var relationship = Assert.Single(child.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent");
        Assert.Same(parent, relationship.Resource);
    }

    /// <summary>The command line the resource's argument callbacks produce, as Aspire would launch it.</summary>
    public static async Task<IReadOnlyList<string>> ArgsAsync(IResource resource)
    {
        var values = new List<object>();
        var context = new CommandLineArgsCallbackContext(values, resource, CancellationToken.None);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        var args = values.Select(v => Assert.IsType<string>(v)).ToList();
        if (args.Contains("-data-dir"))
        {
            // Evaluating an agent's arguments creates its data directory under the run's folder, as a start would.
            Cleanup.Add(Value(args, "data-dir"));
        }
        return args;
    }

    public static string Value(IReadOnlyList<string> args, string flag) => Assert.Single(Values(args, flag));

    public static List<string> Values(IReadOnlyList<string> args, string flag) =>
        [.. args.Index().Where(a => a.Item == "-" + flag).Select(a => args[a.Index + 1])];

    public static IEnumerable<string> EndpointNames(IResource resource) =>
        resource.Annotations.OfType<EndpointAnnotation>().Select(e => e.Name);

    private static readonly Cleanup Cleanup = new();
}

/// <summary>Deletes the run folders that argument evaluation created, when the test process exits.</summary>
internal sealed class Cleanup
{
    private readonly HashSet<string> _runDirectories = [];

    public Cleanup() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();

    public void Add(string dataDirectory)
    {
        // <temp>/mesh-aspire/<datacenter>-<guid>/<agent>[/data]: the run folder is the one under mesh-aspire.
        var directory = new DirectoryInfo(dataDirectory);
        while (directory.Parent is { } parent && parent.Name != "mesh-aspire")
        {
            directory = parent;
        }
        lock (_runDirectories)
        {
            _runDirectories.Add(directory.FullName);
        }
    }

    private void DeleteAll()
    {
        lock (_runDirectories)
        {
            foreach (var directory in _runDirectories.Where(Directory.Exists))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
