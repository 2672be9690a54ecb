namespace Mesh.Bench;

/// <summary>A failure the harness reports as one line (a server that would not start, a watcher that never answered).</summary>
internal sealed class BenchException(string message) : Exception(message);
