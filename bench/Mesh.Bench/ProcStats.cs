using System.Globalization;

namespace Mesh.Bench;

/// <summary>A server process as /proc sees it: resident memory, threads and CPU time used so far.</summary>
internal readonly record struct ProcStats(long RssBytes, int Threads, long CpuTicks)
{
    private static readonly TimeSpan IdleWindow = TimeSpan.FromMilliseconds(250);

    /// <summary>CPU clock ticks (1/100 s on Linux) a process may use in <see cref="IdleWindow"/> and still count as idle.</summary>
    private const long IdleTicks = 2;

    public static ProcStats Read(int pid)
    {
        try
        {
            long rss = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = 1024 * long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }
            // /proc/<pid>/stat: "pid (comm) state ..."; utime and stime are fields 14 and 15, 11 and 12 after the state.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return new ProcStats(rss, threads, cpu);
        }
        catch (IOException)
        {
            throw new BenchException($"process {pid} is gone (/proc/{pid} unreadable)");
        }
    }

    /// <summary>
    /// Waits until the process has stopped working (at most <see cref="IdleTicks"/> of CPU in a window), so that
    /// whatever it was handed has been handled. False if it stayed busy until the timeout.
    /// </summary>
    public static async Task<bool> AwaitIdleAsync(int pid, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var before = Read(pid).CpuTicks;
        while (time.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(IdleWindow, time, cancellationToken).ConfigureAwait(false);
            var now = Read(pid).CpuTicks;
            if (now - before <= IdleTicks)
            {
                return true;
            }
            before = now;
        }
        return false;
    }
}
