using System.Net.Sockets;
using Mesh.Sidecar;
using Mesh.Sidecar.Cli;
using Microsoft.AspNetCore.Connections;

// Socket completions run their continuations on the event loop thread instead of hopping to the thread pool, as
// an event-loop proxy (Envoy, haproxy) does: the relay's and the forwarder's continuations are short and never block,
// and the hop cost more CPU than the bytes. Read once, when the first socket is made, so it is set before any;
// an explicit setting in the environment wins.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

var (options, error) = SidecarOptions.Parse(args, Environment.GetEnvironmentVariable);
if (options is null)
{
    await Console.Error.WriteLineAsync($"Mesh.Sidecar: {error}");
    return 1;
}
await using var app = SidecarHost.Build(options);
try
{
    await app.StartAsync();
}
catch (Exception e) when (e is IOException { InnerException: AddressInUseException } or AddressInUseException or SocketException)
{
    // The admin address is taken or cannot be bound: one line, not a stack trace.
    await Console.Error.WriteLineAsync($"Mesh.Sidecar: {e.Message}");
    return 1;
}
await app.WaitForShutdownAsync();
return 0;
