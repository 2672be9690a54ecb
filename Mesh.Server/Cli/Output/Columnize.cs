using System.Text;

namespace Mesh.Server.Cli.Output;

/// <summary>
/// Consul's table layout (github.com/ryanuber/columnize): each line is split on a delimiter, every
/// field trimmed, every column but the last left-aligned to its widest field and followed by two
/// spaces; the last field of a line is written as is. Consul splits on the unit separator 0x1f.
/// </summary>
internal static class Columnize
{
    public const char UnitSeparator = '\x1f';
    private const string Glue = "  ";

    public static string Format(IEnumerable<string> lines, char delimiter = UnitSeparator)
    {
        var rows = lines.Select(line => line.Split(delimiter).Select(field => field.Trim()).ToArray()).ToList();
        var widths = new List<int>();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (widths.Count <= i)
                {
                    widths.Add(row[i].Length);
                }
                else if (widths[i] < row[i].Length)
                {
                    widths[i] = row[i].Length;
                }
            }
        }

        var output = new StringBuilder();
        foreach (var row in rows)
        {
            if (output.Length > 0)
            {
                output.Append('\n');
            }
            for (var i = 0; i < row.Length; i++)
            {
                output.Append(row[i]);
                if (i < row.Length - 1)
                {
                    output.Append(' ', widths[i] - row[i].Length).Append(Glue);
                }
            }
        }
        return output.ToString();
    }
}
