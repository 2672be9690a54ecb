using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Config;

namespace Mesh.Server.Cli.Commands.Lock;

/// <summary><c>mesh lock</c>: runs a command while holding a lock (or one of N semaphore slots) in the KV store.</summary>
internal static class LockCommand
{
    private const string Help = """
        Usage: mesh lock [options] prefix child...

          Acquires a lock or semaphore at a given path, and invokes a child process
          when successful. The child process can assume the lock is held while it
          executes. If the lock is lost or communication is disrupted the child
          process will be sent a SIGTERM signal and given time to gracefully exit.
          After the grace period expires the process will be hard terminated.

          For Consul agents on Windows, the child process is always hard terminated
          with a SIGKILL, since Windows has no POSIX compatible notion for SIGTERM.

          When -n=1, only a single lock holder or leader exists providing mutual
          exclusion. Setting a higher value switches to a semaphore allowing multiple
          holders to coordinate.

          The prefix provided must have write privileges.
        """;

    private static readonly PositionalRule PrefixAndChild = static (_, args, context) =>
        args.Length < 2 ? context.Fail("Key prefix and child command must be specified") : null;

    public static CliCommand Create(CliContext context)
    {
        var limit = GoFlag.Int("n", "Optional limit on the number of concurrent lock holders. The underlying implementation " +
            "switches from a lock to a semaphore when the value is greater than 1. The default value is 1.");
        var name = GoFlag.String("name", "Optional name to associate with the lock session. It not provided, one is generated based on the provided child command.");
        var passStdin = GoFlag.Bool("pass-stdin", "Pass stdin to the child process.");
        var shell = GoFlag.OptionalBool("shell", "Use a shell to run the command (can set a custom shell via the SHELL environment variable). The default value is true.");
        var timeout = GoFlag.String("timeout", "Maximum amount of time to wait to acquire the lock, specified as a duration like \"1s\" or \"3h\". The default value is 0.", "duration");
        var monitorRetry = GoFlag.Int("monitor-retry", "Number of times to retry if Consul returns a 500 error while monitoring the lock. This allows riding out brief periods of unavailability without causing leader elections, but increases the amount of time required to detect a lost lock in some cases. The default value is 3, with a 1s wait between retries. Set this value to 0 to disable retires.");
        var childExitCode = GoFlag.Bool("child-exit-code", "Exit 2 if the child process exited with an error if this is true, otherwise this doesn't propagate an error from the child. The default value is false.");
        var verbose = GoFlag.Bool("verbose", "Enable verbose (debugging) output.");

        var command = new CliCommand("lock", "Execute a command holding a lock", Help) { limit, name, passStdin, shell, timeout, monitorRetry, childExitCode, verbose };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, PrefixAndChild, async (result, args, api) =>
        {
            var prefix = args[0].TrimStart('/');
            var child = args[1..];
            var holders = result.GetValue(limit) ?? 1;
            if (holders <= 0)
            {
                return context.Fail("Lock holder limit must be positive");
            }
            var wait = TimeSpan.Zero;
            if (result.GetValue(timeout) is { Length: > 0 } text && !GoDuration.TryParse(text, out wait, out _))
            {
                // Go's flag package words a bad duration so.
                return context.Fail($"invalid value \"{text}\" for flag -timeout: parse error");
            }
            var options = new LockRun(
                prefix,
                child,
                holders,
                result.GetValue(name) is { Length: > 0 } given ? given : $"Mesh lock for '{string.Join(' ', child)}' at '{prefix}'",
                result.GetValue(shell) ?? true ? context.GetEnvironmentVariable("SHELL") is { Length: > 0 } custom ? custom : "/bin/sh" : null,
                result.GetValue(passStdin),
                wait,
                result.GetValue(monitorRetry) ?? 3,
                result.GetValue(childExitCode),
                result.GetValue(verbose));
            return await api.ConnectAsync(client => new LockRunner(client, context, options).RunAsync(api.CancellationToken));
        });
        return command;
    }
}

/// <summary>What one <c>mesh lock</c> run does, from its flags. <paramref name="Shell"/>: the shell to run the child with, null to run it directly.</summary>
internal sealed record LockRun(
    string Prefix,
    IReadOnlyList<string> Child,
    int Limit,
    string SessionName,
    string? Shell,
    bool PassStdin,
    TimeSpan Timeout,
    int MonitorRetries,
    bool ChildExitCode,
    bool Verbose);
