using System.Collections;
using System.CommandLine;
using System.CommandLine.Help;
using Mesh.Server.Agent;
using Mesh.Server.Cli.Commands;
using Mesh.Server.Cli.Commands.Catalog;
using Mesh.Server.Cli.Commands.Intention;
using Mesh.Server.Cli.Commands.Connect;
using Mesh.Server.Cli.Commands.Event;
using Mesh.Server.Cli.Commands.Kv;
using Mesh.Server.Cli.Commands.Lock;
using Mesh.Server.Cli.Commands.Operator;
using Mesh.Server.Cli.Commands.Services;
using Mesh.Server.Cli.Commands.Snapshot;
using Mesh.Server.Cli.Commands.Watch;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli;

/// <summary>
/// The <c>mesh</c> command line: the agent (<c>mesh agent</c>) and the commands that talk to it,
/// with Consul's names, flags (in Go's flag syntax) and output.
/// </summary>
public static class MeshCommand
{
    internal const string ProgramName = "mesh";
    internal const int InterruptedExitCode = 130;

    // The agent's graceful shutdown gets this long after ^C / SIGTERM before the process exits anyway.
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(30);

    /// <summary>Runs the command line against the process's console and environment; ^C and SIGTERM cancel the command.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var context = new CliContext(Console.Out, Console.Error, Console.In, Environment.GetEnvironmentVariable, AgentRunner.RunAsync);
        return RunAsync(args, context, handleTermination: true, CancellationToken.None);
    }

    /// <summary>
    /// Runs the command line in-process with the given streams (for tests and embedding).
    /// </summary>
    /// <param name="environment">Environment variables the command sees (MESH_HTTP_ADDR, CONSUL_HTTP_ADDR, ...); null for the process's own.</param>
    /// <param name="stdin">What <c>kv put KEY -</c> reads; null for an empty input.</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        IReadOnlyDictionary<string, string>? environment = null,
        TextReader? stdin = null,
        CancellationToken cancellationToken = default)
    {
        Func<string, string?> getVariable = environment is null ? Environment.GetEnvironmentVariable : name => environment.GetValueOrDefault(name);
        var context = new CliContext(stdout, stderr, stdin ?? TextReader.Null, getVariable, AgentRunner.RunAsync);
        return RunAsync(args, context, handleTermination: false, cancellationToken);
    }

    internal static async Task<int> RunAsync(string[] args, CliContext context, bool handleTermination, CancellationToken cancellationToken)
    {
        // Like consul, "-v" and "--version" (and Go's "-version") in front mean the version command.
        if (args is ["-v" or "-version" or "--version", ..])
        {
            args = ["version"];
        }

        var root = Build(context);
        var line = GoFlagNormalizer.Normalize(root, args, ProgramName);
        if (line.Error is not null)
        {
            return UsageError(context, line.Error, line.CommandPath);
        }
        if (line.Command == root && line.Tokens.Count == 0)
        {
            context.Info(CliHelp.Render(root));
            return 1;
        }

        var parseResult = root.Parse(line.Tokens, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Errors.Count > 0)
        {
            return UsageError(context, parseResult.Errors[0].Message, line.CommandPath);
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = handleTermination ? ShutdownGrace : null,
        };
        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Interrupted (^C, SIGTERM or the caller's token): the shell's code for an interrupt, no message.
            return InterruptedExitCode;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug or an environment failure still reads as one line, never a stack trace.
            return context.Fail($"Error: {ex.GetBaseException().Message}");
        }
    }

    /// <summary>The command tree for one run; the commands write through <paramref name="context"/>.</summary>
    internal static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("MeshAspire: a Consul-compatible service mesh")
        {
            AgentCommand.Create(context),
            CatalogCommand.Create(context),
            ConnectCommand.Create(context),
            EventCommand.Create(context),
            ForceLeaveCommand.Create(context),
            IntentionCommand.Create(context),
            JoinCommand.Create(context),
            KeygenCommand.Create(context),
            KeyringCommand.Create(context),
            KvCommand.Create(context),
            LeaveCommand.Create(context),
            LockCommand.Create(context),
            MembersCommand.Create(context),
            OperatorCommand.Create(context),
            ServicesCommand.Create(context),
            SnapshotCommand.Create(context),
            VersionCommand.Create(context),
            WatchCommand.Create(context),
        };
        // Go's flag package knows no directives ("[diagram]") and "--version" is a command here.
        root.Directives.Clear();
        foreach (var option in root.Options.Where(o => o is VersionOption).ToList())
        {
            root.Options.Remove(option);
        }
        root.Options.OfType<HelpOption>().Single().Action = new CliHelpAction(context);
        return root;
    }

    private static int UsageError(CliContext context, string error, string commandPath)
    {
        context.Fail(error);
        return context.Fail($"Run '{commandPath} -help' for usage.");
    }
}
