using System.Diagnostics;
using System.Globalization;

namespace Mesh.Server.Tests.Dns;

/// <summary>The real `dig` (dnsutils) pointed at an agent's DNS port, its reply split into sections.</summary>
internal static class Dig
{
    public static async Task<DigReply> QueryAsync(int port, string name, string type, params string[] options)
    {
        var info = new ProcessStartInfo("dig") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["@127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "+tries=1", "+time=3", name, type, .. options])
        {
            info.ArgumentList.Add(arg);
        }
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("dig is not installed (apt-get install -y dnsutils)", ex);
        }
        using (process)
        {
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return DigReply.Parse(output);
        }
    }
}

/// <summary>dig's text output: the header status and flags, and the records of each section as whitespace-split fields.</summary>
internal sealed record DigReply(string Status, IReadOnlyList<string> Flags, IReadOnlyList<string[]> Answer, IReadOnlyList<string[]> Authority, IReadOnlyList<string[]> Additional, string Text)
{
    public static DigReply Parse(string text)
    {
        var status = "";
        var flags = new List<string>();
        var sections = new Dictionary<string, List<string[]>> { ["ANSWER"] = [], ["AUTHORITY"] = [], ["ADDITIONAL"] = [] };
        List<string[]>? current = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.Contains("status: ", StringComparison.Ordinal))
            {
                status = line[(line.IndexOf("status: ", StringComparison.Ordinal) + 8)..].Split(',')[0];
            }
            else if (line.StartsWith(";; flags: ", StringComparison.Ordinal))
            {
                flags.AddRange(line[10..].Split(';')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
            else if (line.StartsWith(";; ", StringComparison.Ordinal) && line.EndsWith(" SECTION:", StringComparison.Ordinal))
            {
                current = sections.GetValueOrDefault(line[3..^9]);
            }
            else if (line.Length == 0 || line.StartsWith(';'))
            {
                current = line.Length == 0 ? null : current;
            }
            else
            {
                current?.Add(line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries));
            }
        }
        return new DigReply(status, flags, sections["ANSWER"], sections["AUTHORITY"], sections["ADDITIONAL"], text);
    }

    /// <summary>The data of the answers of <paramref name="type"/> (fields after the type), one string each.</summary>
    public IReadOnlyList<string> Data(string type) =>
        [.. Answer.Where(r => r.Length > 4 && r[3] == type).Select(r => string.Join(' ', r[4..]))];

    public override string ToString() => Text;
}
