using System.Text;

namespace Mesh.Server.Cli.Output;

/// <summary>
/// The part of Go's text/tabwriter that Consul's commands use (left alignment, space padding, no
/// flags): a tab ends a cell, consecutive lines with a cell in the same column form a block whose
/// cells are padded to the block's widest cell plus <c>padding</c>; a line's last cell is not padded.
/// </summary>
internal static class TabWriter
{
    public static string Format(string text, int padding, int minWidth = 0)
    {
        var lines = text.Split('\n').Select(line => line.Split('\t')).ToArray();
        var output = new StringBuilder();
        var widths = new List<int>();
        FormatBlock(lines, 0, lines.Length, widths, padding, minWidth, output);
        return output.ToString();
    }

    // Go's Writer.format: find each run of lines that have a cell in the next column, size the
    // column over that run, recurse for the following columns, write the lines outside any run.
    private static void FormatBlock(string[][] lines, int line0, int line1, List<int> widths, int padding, int minWidth, StringBuilder output)
    {
        var column = widths.Count;
        for (var current = line0; current < line1; current++)
        {
            if (column >= lines[current].Length - 1)
            {
                continue;
            }
            WriteLines(lines, line0, current, widths, output);
            line0 = current;

            var width = minWidth;
            for (; current < line1 && column < lines[current].Length - 1; current++)
            {
                width = Math.Max(width, lines[current][column].Length + padding);
            }
            widths.Add(width);
            FormatBlock(lines, line0, current, widths, padding, minWidth, output);
            widths.RemoveAt(widths.Count - 1);
            line0 = current;
            current--;
        }
        WriteLines(lines, line0, line1, widths, output);
    }

    private static void WriteLines(string[][] lines, int from, int to, List<int> widths, StringBuilder output)
    {
        for (var i = from; i < to; i++)
        {
            var cells = lines[i];
            for (var j = 0; j < cells.Length; j++)
            {
                output.Append(cells[j]);
                if (j < widths.Count && j < cells.Length - 1)
                {
                    output.Append(' ', widths[j] - cells[j].Length);
                }
            }
            if (i < lines.Length - 1)
            {
                output.Append('\n');
            }
        }
    }
}
