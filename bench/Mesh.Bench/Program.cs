using System.Net.Sockets;
using System.Runtime.InteropServices;
using Mesh.Bench;

using var cancel = new CancellationTokenSource();
// Ctrl+C and SIGTERM cancel the run, so that every server it started is stopped on the way out.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
try
{
    var options = BenchOptions.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }
    await BenchRun.RunAsync(options, args, TimeProvider.System, cancel.Token);
    return 0;
}
catch (Exception e) when (e is BenchException or HttpRequestException or IOException or SocketException)
{
    Console.Error.WriteLine($"mesh-bench: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("mesh-bench: cancelled");
    return 130;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}
