namespace Mesh.Server.Checks;

/// <summary>
/// What the agent implements to hear about check results (Consul's <c>CheckNotifier</c>).
/// The runner calls it only when a check's status or output changed, one call at a time per check.
/// </summary>
/// <remarks>
/// A call may still arrive just after <see cref="CheckRunner.Remove"/> returned for that check, so ignore unknown ids.
/// Don't call <see cref="CheckRunner.UpdateTtl"/> while holding a lock this method takes: a TTL expiry may be
/// notifying at that moment.
/// </remarks>
public interface ICheckNotifier
{
    void UpdateCheck(string checkId, string status, string output);
}
