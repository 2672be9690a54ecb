using System.Runtime.InteropServices;

namespace Mesh.Bench;

/// <summary>
/// Raises the open-file limit (RLIMIT_NOFILE) of the harness before it starts any server: the agent and etcd are
/// its children and inherit it, so each side can hold ten thousand watcher sockets.
/// </summary>
internal static partial class FileLimits
{
    private const int RlimitNofile = 7;

    public static void Raise(ulong wanted, ulong needed)
    {
        if (GetLimit(RlimitNofile, out var limit) != 0)
        {
            throw new BenchException($"cannot read the open-file limit (errno {Marshal.GetLastPInvokeError()})");
        }
        if (limit.Current >= wanted)
        {
            return;
        }
        var raised = new RLimit { Current = wanted, Maximum = Math.Max(limit.Maximum, wanted) };
        if (SetLimit(RlimitNofile, in raised) != 0 && limit.Current < needed)
        {
            throw new BenchException(
                $"the watch benchmark needs {needed} open files but the limit is {limit.Current} and cannot be raised (errno {Marshal.GetLastPInvokeError()}): run it under `ulimit -n {wanted}` or with fewer --watchers");
        }
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetLimit(int resource, in RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
