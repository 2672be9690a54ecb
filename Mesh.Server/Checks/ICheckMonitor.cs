namespace Mesh.Server.Checks;

/// <summary>What keeps one check running: a periodic probe loop or a TTL timer.</summary>
internal interface ICheckMonitor
{
    void Start();

    /// <summary>Signals the stop without blocking; the task completes once nothing of the check runs anymore.</summary>
    Task Stop();
}
