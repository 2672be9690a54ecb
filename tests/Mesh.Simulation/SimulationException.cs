namespace Mesh.Simulation;

/// <summary>The core broke its contract with the host (or an invariant): the run fails with this message.</summary>
public sealed class SimulationException(string message) : Exception(message);
