using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Lock;

/// <summary>
/// Consul's lock command flow: acquire, run the child, and when the child exits, the lock is lost, or the command
/// is interrupted, stop the child, release the lock and clean its keys up if nobody else uses them.
/// </summary>
internal sealed class LockRunner(ApiClient client, CliContext context, LockRun run)
{
    public async Task<int> RunAsync(CancellationToken shutdown)
    {
        LockSession session;
        try
        {
            session = await LockSession.CreateAsync(client, run.SessionName, shutdown);
        }
        catch (ApiException ex)
        {
            return context.Fail($"Lock acquisition failed: failed to create session: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            return context.Fail("Shutdown triggered or timeout during lock acquisition");
        }
        await using (session)
        {
            ILockRecipe recipe = run.Limit == 1
                ? new KeyLock(client, session, run.Prefix + "/.lock", run.MonitorRetries)
                : new Semaphore(client, session, run.Prefix, run.Limit, run.MonitorRetries);
            return await HoldAsync(recipe, shutdown);
        }
    }

    private async Task<int> HoldAsync(ILockRecipe recipe, CancellationToken shutdown)
    {
        Verbose("Attempting lock acquisition");
        using (var acquiring = CancellationTokenSource.CreateLinkedTokenSource(shutdown))
        {
            if (run.Timeout > TimeSpan.Zero)
            {
                acquiring.CancelAfter(run.Timeout);
            }
            try
            {
                if (!await recipe.AcquireAsync(acquiring.Token))
                {
                    return context.Fail("Shutdown triggered or timeout during lock acquisition");
                }
            }
            catch (ApiException ex)
            {
                return context.Fail($"Lock acquisition failed: {ex.Message}");
            }
        }

        Verbose($"Starting handler '{string.Join(' ', run.Child)}'");
        int? exitCode = null;
        using (var child = LockChild.Start(run.Child, run.Shell, run.PassStdin))
        {
            var exited = child.WaitAsync();
            var shutdownTask = Task.Delay(Timeout.Infinite, shutdown);
            var first = await Task.WhenAny(exited, recipe.Lost, shutdownTask);
            if (first == exited)
            {
                exitCode = await exited;
            }
            else
            {
                Verbose(first == recipe.Lost ? "Lock lost, killing child" : "Shutdown triggered, killing child");
                Verbose($"Terminating child pid {child.Id}");
                await child.StopAsync();
                Verbose("Child terminated");
            }
        }

        // Release and clean up even when interrupted: a short deadline of their own.
        using var finishing = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await recipe.ReleaseAsync(finishing.Token);
        }
        catch (Exception ex) when (ex is ApiException or OperationCanceledException)
        {
            return context.Fail($"Lock release failed: {ex.Message}");
        }
        try
        {
            Verbose(await recipe.CleanupAsync(finishing.Token) ? "Cleanup succeeded" : "Cleanup aborted, lock in use");
        }
        catch (Exception ex) when (ex is ApiException or OperationCanceledException)
        {
            return context.Fail($"Lock cleanup failed: {ex.Message}");
        }
        return run.ChildExitCode && exitCode is not (null or 0) ? 2 : 0;
    }

    private void Verbose(string line)
    {
        if (run.Verbose)
        {
            context.Info(line);
        }
    }
}
