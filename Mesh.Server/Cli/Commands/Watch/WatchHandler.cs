using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Server.Cli.Commands.Watch;

/// <summary>What a watch does with each new result: print it once and stop, or run the handler with it.</summary>
internal static class WatchHandler
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Without a handler: the first result, indented like Go's MarshalIndent, then the watch ends.</summary>
    public static Func<ulong, JsonNode?, Task<bool>> Print(CliContext context) => (_, result) =>
    {
        context.Info(Json(result, Indented));
        return Task.FromResult(false);
    };

    /// <summary>
    /// With a handler: at every change it runs (through $SHELL or /bin/sh -c, unless -shell=false) with the JSON
    /// on standard input and CONSUL_INDEX set; a handler that cannot start or exits non-zero ends the watch.
    /// <paramref name="exitCode"/> is set to 1 then.
    /// </summary>
    public static Func<ulong, JsonNode?, Task<bool>> Run(CliContext context, string[] args, bool shell, StrongBox<int> exitCode, CancellationToken cancellationToken) =>
        async (index, result) =>
        {
            var start = shell
                ? new ProcessStartInfo(context.GetEnvironmentVariable("SHELL") is { Length: > 0 } custom ? custom : "/bin/sh") { ArgumentList = { "-c", string.Join(' ', args) } }
                : new ProcessStartInfo(args[0], args[1..]);
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            start.Environment["CONSUL_INDEX"] = index.ToString(CultureInfo.InvariantCulture);

            Process? process;
            try
            {
                process = Process.Start(start);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                context.Fail($"Error starting handler: {ex.Message}");
                exitCode.Value = 1;
                return false;
            }
            if (process is null)
            {
                context.Fail("Error starting handler: the process did not start");
                exitCode.Value = 1;
                return false;
            }
            using (process)
            {
                var stdout = process.StandardOutput.BaseStream.PumpAsync(context.Out, cancellationToken);
                var stderr = process.StandardError.BaseStream.PumpAsync(context.Error, cancellationToken);
                try
                {
                    // json.Encoder's form: compact, one line.
                    await process.StandardInput.WriteAsync(Json(result, Compact) + "\n");
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // A handler may exit without reading its input; its exit status is what counts.
                }
                await process.WaitForExitAsync(cancellationToken);
                await Task.WhenAll(stdout, stderr);
                if (process.ExitCode != 0)
                {
                    context.Fail($"Error executing handler: exit status {process.ExitCode}");
                    exitCode.Value = 1;
                    return false;
                }
            }
            return true;
        };

    private static string Json(JsonNode? value, JsonSerializerOptions options) => value?.ToJsonString(options) ?? "null";

    private static Task PumpAsync(this Stream source, TextWriter target, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            using var reader = new StreamReader(source);
            var buffer = new char[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await target.FlushAsync(cancellationToken);
            }
        }, cancellationToken);
}
