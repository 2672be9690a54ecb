using System.Diagnostics;
using Mesh.Server.Checks;
using Xunit.Sdk;

namespace Mesh.Server.Tests.Checks;

internal sealed record CheckUpdate(string CheckId, string Status, string Output);

/// <summary>Records every notification and lets a test wait, with a deadline, for the one it expects.</summary>
internal sealed class RecordingNotifier : ICheckNotifier
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<CheckUpdate> _updates = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void UpdateCheck(string checkId, string status, string output)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _updates.Add(new CheckUpdate(checkId, status, output));
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
    }

    public IReadOnlyList<CheckUpdate> For(string checkId)
    {
        lock (_gate)
        {
            return [.. _updates.Where(update => update.CheckId == checkId)];
        }
    }

    /// <summary>The first update of the check, after the first <paramref name="skip"/> of them, that matches.</summary>
    public async Task<CheckUpdate> WaitForAsync(string checkId, Func<CheckUpdate, bool> match, int skip = 0, TimeSpan? deadline = null)
    {
        var limit = deadline ?? DefaultDeadline;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var hit = _updates.Where(update => update.CheckId == checkId).Skip(skip).FirstOrDefault(match);
                if (hit is not null)
                {
                    return hit;
                }
                changed = _changed.Task;
            }
            var remaining = limit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                var seen = string.Join("; ", For(checkId).Select(update => $"{update.Status}: {update.Output}"));
                throw new XunitException($"No matching update of check {checkId} within {limit}. Updates: [{seen}]");
            }
            try
            {
                await changed.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                // Loop once more to report what was seen.
            }
        }
    }

    public Task<CheckUpdate> WaitForStatusAsync(string checkId, string status, int skip = 0) =>
        WaitForAsync(checkId, update => update.Status == status, skip);
}
