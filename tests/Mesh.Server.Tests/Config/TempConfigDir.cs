namespace Mesh.Server.Tests.Config;

/// <summary>A real temporary directory of config files, deleted after the test.</summary>
internal sealed class TempConfigDir : IDisposable
{
    public TempConfigDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mesh-config-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes a file (creating subdirectories) and returns its full path.</summary>
    public string Write(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
