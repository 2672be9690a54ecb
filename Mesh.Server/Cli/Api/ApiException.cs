namespace Mesh.Server.Cli.Api;

/// <summary>
/// A failed call to the agent, worded as Consul's Go client words it, e.g.
/// <c>Unexpected response code: 500 (No path to datacenter)</c> or
/// <c>Get "http://127.0.0.1:8500/v1/kv/a": dial tcp 127.0.0.1:8500: connect: connection refused</c>.
/// </summary>
internal sealed class ApiException(string message) : Exception(message);
