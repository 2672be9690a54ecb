namespace Mesh.Bench;

/// <summary>One KV row for one server: completed operations per second and their latency in milliseconds.</summary>
internal sealed record KvResult(KvOperation Operation, int Clients, long Operations, double OperationsPerSecond, Percentiles Latency, long Errors, string? FirstError);
