namespace Mesh.Server.Agent;

public sealed partial class LocalAgent
{
    private TaskCompletionSource _servicesChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes at the next registration or deregistration of a local service. Take it before reading the
    /// services, so that no change falls between the read and the wait.
    /// </summary>
    public Task ServicesChanged
    {
        get
        {
            lock (_gate)
            {
                return _servicesChanged.Task;
            }
        }
    }

    private void NotifyServicesChanged()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _servicesChanged;
            _servicesChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
    }
}
