using System.Diagnostics;
using Xunit.Sdk;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>
/// Polls an HTTP probe until its answer is accepted or a deadline passes. A request that fails (a server being
/// killed, restarted or electing) is "not yet"; the timeout names the last answer or error seen.
/// </summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> accept, string what, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string last;
            try
            {
                var answer = await probe();
                if (accept(answer))
                {
                    return answer;
                }
                last = Describe(answer);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                last = $"{ex.GetType().Name}: {ex.Message}";
            }
            if (clock.Elapsed > deadline)
            {
                throw new XunitException($"Timed out after {deadline} waiting for {what}; last seen: {last}");
            }
            await Task.Delay(Interval);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan deadline) =>
        UntilAsync(condition, ok => ok, what, deadline);

    private static string Describe<T>(T answer) => answer switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object?>())}]",
        _ => answer.ToString() ?? "",
    };
}
