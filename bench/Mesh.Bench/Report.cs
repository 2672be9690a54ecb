using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Mesh.Bench;

/// <summary>
/// Results by row and server: each printed as it arrives (with its ratio to mesh's number for the same row), then
/// all of them as one Markdown table for the README.
/// </summary>
internal sealed class Report
{
    public const string Mesh = "mesh";

    private readonly List<(string Id, string Header)> _columns = [];
    private readonly List<string> _rows = [];
    private readonly Dictionary<(string Row, string Column), Cell> _cells = [];

    public void AddColumn(string id, string header)
    {
        if (!_columns.Exists(c => c.Id == id))
        {
            _columns.Add((id, header));
        }
    }

    public void Add(string row, string column, Cell cell)
    {
        if (!_rows.Contains(row))
        {
            _rows.Add(row);
        }
        _cells[(row, column)] = cell;
        var ratio = column != Mesh && _cells.TryGetValue((row, Mesh), out var mesh) && Ratio(mesh, cell) is { } r ? $"   mesh/{column} = {r}" : "";
        Console.WriteLine($"{row} | {column}: {cell.Text}{ratio}");
    }

    public string ToMarkdown(string command, IEnumerable<string> notes)
    {
        var peers = _columns.Where(c => c.Id != Mesh).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured with `{command}` on {Machine()}.");
        text.AppendLine();
        text.Append("| | ").Append(Header(Mesh));
        foreach (var peer in peers)
        {
            text.Append(" | ").Append(peer.Header).Append(" | mesh/etcd");
        }
        text.AppendLine(" |");
        text.Append("|---|---").Append(string.Concat(peers.Select(_ => "|---|---:"))).AppendLine("|");
        foreach (var row in _rows)
        {
            _cells.TryGetValue((row, Mesh), out var mesh);
            text.Append("| ").Append(row).Append(" | ").Append(mesh?.Text ?? "not run");
            foreach (var peer in peers)
            {
                var cell = _cells.GetValueOrDefault((row, peer.Id));
                text.Append(" | ").Append(cell?.Text ?? "not run").Append(" | ")
                    .Append(mesh is not null && cell is not null ? Ratio(mesh, cell) ?? "" : "");
            }
            text.AppendLine(" |");
        }
        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }
        return text.ToString();
    }

    private string Header(string id) => _columns.Find(c => c.Id == id).Header ?? id;

    private static string? Ratio(Cell mesh, Cell peer) =>
        mesh.Value > 0 && peer.Value > 0 && double.IsFinite(mesh.Value) && double.IsFinite(peer.Value)
            ? (mesh.Value / peer.Value).ToString("0.00", CultureInfo.InvariantCulture) + "×"
            : null;

    private static string Machine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
}

/// <summary>One result as shown, and the number its ratio is taken of (no ratio unless both are positive).</summary>
internal sealed record Cell(string Text, double Value);
