using System.Globalization;
using System.Text;
using System.Text.Json;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cli.Output;
using Mesh.Server.Cluster;

namespace Mesh.Server.Cli.Commands.Snapshot;

/// <summary>
/// <c>mesh snapshot inspect FILE</c>: a snapshot file's metadata and what its state holds by type, in Consul's
/// layout (or as JSON with <c>-format=json</c>); the checksums are verified first.
/// </summary>
internal static class SnapshotInspectCommand
{
    private const string Help = """
        Usage: mesh snapshot inspect [options] FILE

          Displays information about a snapshot file on disk.

          To inspect the file "backup.snap":

            $ mesh snapshot inspect backup.snap

          For a full list of options and examples, please see the Consul documentation.
        """;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 3 };

    public static CliCommand Create(CliContext context)
    {
        var kvDetails = GoFlag.Bool("kvdetails", "Provides a detailed KV space usage breakdown for any KV data that's been stored.");
        var kvDepth = GoFlag.Int("kvdepth", "Can only be used with -kvdetails. The key prefix depth used to breakdown KV store data. Defaults to 2.");
        var kvFilter = GoFlag.String("kvfilter", "Can only be used with -kvdetails. Limits KV key breakdown using this prefix filter.");
        var format = GoFlag.StringWithDefault("format", "Output format {pretty|json}", "pretty", "string");
        var command = new CliCommand("inspect", "Displays information about a Consul snapshot file", Help) { format, kvDepth, kvDetails, kvFilter };
        command.SetAction(context, SnapshotFileArgument.One, (result, args, _) =>
        {
            var output = result.GetValue(format);
            if (output is not ("pretty" or "json"))
            {
                return Task.FromResult(context.Fail($"Error outputting enhanced snapshot data: Unknown format: {output}"));
            }
            using var file = SnapshotFileArgument.Open(args[0], context);
            if (file is null)
            {
                return Task.FromResult(1);
            }
            VerifiedSnapshot snapshot;
            try
            {
                snapshot = SnapshotArchive.Read(file);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                return Task.FromResult(context.Fail($"Error reading snapshot: {ex.Message}"));
            }
            SnapshotStats stats;
            try
            {
                var details = result.GetValue(kvDetails) ? new KvDetails(result.GetValue(kvDepth) ?? 2, result.GetValue(kvFilter) ?? "") : null;
                stats = SnapshotStats.Of(snapshot.State, details);
            }
            catch (JsonException ex)
            {
                return Task.FromResult(context.Fail($"Error extracting snapshot data: {ex.Message}"));
            }
            return Task.FromResult(context.Succeed(output == "json" ? Json(snapshot.Meta, stats) : Pretty(snapshot.Meta, stats)));
        });
        return command;
    }

    /// <summary>Consul's pretty formatter: a tabwriter with minimum width 8 and padding 6, every line indented by a space.</summary>
    internal static string Pretty(SnapshotMeta meta, SnapshotStats stats)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $" ID\t{meta.ID}")
            .Append(CultureInfo.InvariantCulture, $"\n Size\t{meta.Size}")
            .Append(CultureInfo.InvariantCulture, $"\n Index\t{meta.Index}")
            .Append(CultureInfo.InvariantCulture, $"\n Term\t{meta.Term}")
            .Append(CultureInfo.InvariantCulture, $"\n Version\t{meta.Version}")
            .Append('\n');
        AppendTable(text, "Type", stats.Types, stats.Total);
        if (stats.Kv is { } kv)
        {
            text.Append('\n');
            AppendTable(text, "Key Name", kv, stats.KvTotal);
        }
        return TabWriter.Format(text.ToString(), padding: 6, minWidth: 8);
    }

    private static void AppendTable(StringBuilder text, string title, IReadOnlyList<TypeStats> rows, int total)
    {
        text.Append("\n ").Append(title).Append("\tCount\tSize\n").Append(" ----\t----\t----");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n {row.Name}\t{row.Count}\t{ByteSize(row.Sum)}");
        }
        text.Append("\n ----\t----\t----").Append("\n Total\t\t").Append(ByteSize(total));
    }

    /// <summary>Consul's JSON formatter: its OutputFormat, indented by three spaces.</summary>
    private static string Json(SnapshotMeta meta, SnapshotStats stats) => JsonSerializer.Serialize(
        new
        {
            Meta = new { meta.ID, meta.Size, meta.Index, meta.Term, meta.Version },
            Stats = stats.Types,
            StatsKV = stats.Kv,
            TotalSize = stats.Total,
            TotalSizeKV = stats.KvTotal,
        },
        Indented);

    /// <summary>Consul's ByteSize: one decimal in the largest binary unit, ".0" dropped, "0" for nothing.</summary>
    internal static string ByteSize(long bytes)
    {
        if (bytes == 0)
        {
            return "0";
        }
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        var unit = Math.Min((int)Math.Floor(Math.Log(bytes, 1024)), units.Length - 1);
        var value = (bytes / Math.Pow(1024, unit)).ToString("F1", CultureInfo.InvariantCulture);
        return (value.EndsWith(".0", StringComparison.Ordinal) ? value[..^2] : value) + units[unit];
    }
}
