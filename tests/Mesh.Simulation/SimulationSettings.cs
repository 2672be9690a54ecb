namespace Mesh.Simulation;

/// <summary>One run: the seed decides everything else (timings, faults, workload, Raft tunables).</summary>
public sealed record SimulationSettings(int Seed, int Nodes, long Steps, bool Trace = false);

/// <summary>What a run did and whether it broke an invariant (<see cref="Violation"/> is then set).</summary>
public sealed record SimulationResult(
    SimulationSettings Settings,
    long Steps,
    string? Violation,
    IReadOnlyList<string> Trace,
    SimulationStats Stats);

public sealed record SimulationStats(
    int Acknowledged,
    int Leaders,
    int Crashes,
    int SnapshotsInstalled,
    int MembershipChanges,
    int Transfers,
    int Reads,
    long VirtualMicroseconds);
