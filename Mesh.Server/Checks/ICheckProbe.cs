namespace Mesh.Server.Checks;

/// <summary>One kind of periodic check: runs the check once. Probes holding resources also implement IDisposable.</summary>
internal interface ICheckProbe
{
    /// <summary>
    /// Runs the check. <paramref name="cancellationToken"/> fires when the check's timeout passes (or the check is
    /// stopped): the probe then answers with its timed-out result rather than throwing.
    /// </summary>
    Task<CheckResult> ProbeAsync(CancellationToken cancellationToken);
}
