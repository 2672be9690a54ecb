using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Mesh.Bench;

/// <summary>
/// Sleeps until a <see cref="Stopwatch"/> timestamp with the kernel's precision (tens of µs), where timers and
/// the runtime's own sleeps round to whole milliseconds: the open-loop load generator schedules a request every millisecond.
/// </summary>
internal static partial class MonotonicSleep
{
    private const int ClockMonotonic = 1;
    private const int AbsoluteTime = 1;
    private const int Interrupted = 4;
    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>On Linux a Stopwatch timestamp is CLOCK_MONOTONIC in nanoseconds; anything else cannot be slept on.</summary>
    public static void EnsureSupported()
    {
        if (Stopwatch.Frequency != NanosecondsPerSecond)
        {
            throw new BenchException($"the open-loop load needs a nanosecond monotonic Stopwatch, not {Stopwatch.Frequency} ticks/s");
        }
    }

    public static void Until(long timestamp)
    {
        var time = new TimeSpec { Seconds = timestamp / NanosecondsPerSecond, Nanoseconds = timestamp % NanosecondsPerSecond };
        // clock_nanosleep returns the error itself; a signal only interrupts the sleep, the deadline stays absolute.
        while (Sleep(ClockMonotonic, AbsoluteTime, in time, IntPtr.Zero) == Interrupted)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int Sleep(int clock, int flags, in TimeSpec request, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
