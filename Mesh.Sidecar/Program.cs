using System.Net.Sockets;
using Mesh.Sidecar;
using Mesh.Sidecar.Cli;
using Microsoft.AspNetCore.Connections;

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
