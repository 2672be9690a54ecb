namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// Records a concurrent history for the linearizability checker. Thread-safe. A client calls <see cref="Invoke"/>
/// right before sending a request and <see cref="PendingOperation.Complete"/> or <see cref="PendingOperation.Unknown"/>
/// right after the outcome is known, so each recorded interval contains the operation's real effect.
/// </summary>
public sealed class HistoryRecorder(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly List<PendingOperation> _operations = [];

    public PendingOperation Invoke(int clientId, string key, RegisterOp operation)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(operation);
        lock (_gate)
        {
            // Taking the timestamp under the lock keeps ids in invocation order.
            var pending = new PendingOperation(_time, _operations.Count, clientId, key, operation, _time.GetTimestamp());
            _operations.Add(pending);
            return pending;
        }
    }

    /// <summary>The history so far; operations still in flight are unknown.</summary>
    public RecordedHistory Snapshot()
    {
        lock (_gate)
        {
            return new RecordedHistory([.. _operations.Select(operation => operation.ToRecord())], _time.TimestampFrequency);
        }
    }
}
