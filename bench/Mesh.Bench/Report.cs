using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Mesh.Bench;

/// <summary>
/// Results by row and column: each printed as it arrives (with the ratios it completes), then all of them as one
/// Markdown table for the README, each ratio column right after the column it divides by.
/// </summary>
internal sealed class Report
{
    public const string Mesh = "mesh";

    private readonly List<(string Id, string Header)> _columns = [];
    private readonly List<(string Numerator, string Denominator, string Header)> _ratios = [];
    private readonly List<string> _rows = [];
    private readonly Dictionary<(string Row, string Column), Cell> _cells = [];

    public void AddColumn(string id, string header)
    {
        if (!_columns.Exists(c => c.Id == id))
        {
            _columns.Add((id, header));
        }
    }

    /// <summary>A column of <paramref name="numerator"/>'s value divided by <paramref name="denominator"/>'s, row by row.</summary>
    public void AddRatio(string numerator, string denominator, string header)
    {
        if (!_ratios.Exists(r => r.Numerator == numerator && r.Denominator == denominator))
        {
            _ratios.Add((numerator, denominator, header));
        }
    }

    public void Add(string row, string column, Cell cell)
    {
        if (!_rows.Contains(row))
        {
            _rows.Add(row);
        }
        _cells[(row, column)] = cell;
        var ratios = _ratios
            .Where(r => r.Numerator == column || r.Denominator == column)
            .Select(r => RatioText(row, r.Numerator, r.Denominator) is { } text ? $"   {r.Numerator}/{r.Denominator} = {text}" : "");
        Console.WriteLine($"{row} | {column}: {cell.Text}{string.Concat(ratios)}");
    }

    public string ToMarkdown(string command, IEnumerable<string> notes)
    {
        var layout = Layout().ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured with `{command}` on {Machine()}.");
        text.AppendLine();
        text.Append("| |").AppendJoin("", layout.Select(slot => $" {slot.Header} |")).AppendLine();
        text.Append("|---|").AppendJoin("", layout.Select(slot => slot.Numeric ? "---:|" : "---|")).AppendLine();
        foreach (var row in _rows)
        {
            text.Append("| ").Append(row).Append(" |").AppendJoin("", layout.Select(slot => $" {slot.Text(row)} |")).AppendLine();
        }
        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }
        return text.ToString();
    }

    /// <summary>The table's columns left to right: each result column, then the ratios that divide by it.</summary>
    private IEnumerable<Slot> Layout()
    {
        foreach (var column in _columns)
        {
            yield return new Slot(column.Header, false, row => _cells.GetValueOrDefault((row, column.Id))?.Text ?? "not run");
            foreach (var ratio in _ratios.Where(r => r.Denominator == column.Id))
            {
                yield return new Slot(ratio.Header, true, row => RatioText(row, ratio.Numerator, ratio.Denominator) ?? "");
            }
        }
    }

    private string? RatioText(string row, string numerator, string denominator) =>
        _cells.TryGetValue((row, numerator), out var top) && _cells.TryGetValue((row, denominator), out var bottom)
            && top.Value > 0 && bottom.Value > 0 && double.IsFinite(top.Value) && double.IsFinite(bottom.Value)
            ? (top.Value / bottom.Value).ToString("0.00", CultureInfo.InvariantCulture) + "×"
            : null;

    private static string Machine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");

    private sealed record Slot(string Header, bool Numeric, Func<string, string> Text);
}

/// <summary>One result as shown, and the number its ratio is taken of (no ratio unless both are positive).</summary>
internal sealed record Cell(string Text, double Value);
