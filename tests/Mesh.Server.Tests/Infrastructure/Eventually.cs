using System.Diagnostics;
using Xunit.Sdk;

namespace Mesh.Server.Tests;

/// <summary>Polls a condition that has no event to wait on, until a deadline (never a fixed sleep).</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? DefaultDeadline;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new XunitException($"Timed out after {limit} waiting for {what}");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>The same for a condition that has to ask over the network.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? DefaultDeadline;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new XunitException($"Timed out after {limit} waiting for {what}");
            }
            await Task.Delay(10);
        }
    }
}
