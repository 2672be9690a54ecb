namespace Mesh.Server.Cli.Commands.Snapshot;

/// <summary>The FILE every snapshot subcommand takes, checked and opened with Consul's wording.</summary>
internal static class SnapshotFileArgument
{
    /// <summary>Exactly one FILE: "Missing FILE argument", or "Too many arguments (expected 1, got N)".</summary>
    public static readonly PositionalRule One = static (_, args, context) => args.Length switch
    {
        0 => context.Fail("Missing FILE argument"),
        1 => null,
        _ => context.Fail($"Too many arguments (expected 1, got {args.Length})"),
    };

    /// <summary>Opens <paramref name="file"/> for reading, or says why not as Go's os.Open would.</summary>
    public static FileStream? Open(string file, CliContext context)
    {
        try
        {
            return File.OpenRead(file);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            context.Fail($"Error opening snapshot file: open {file}: no such file or directory");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Fail($"Error opening snapshot file: open {file}: {ex.Message}");
        }
        return null;
    }
}
