namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// One operation of a history. Timestamps come from a monotonic clock (<see cref="TimeProvider.GetTimestamp"/>).
/// A null <see cref="Result"/> means unknown: the client timed out, lost its connection, or never heard back, so the
/// operation may or may not have taken effect. <see cref="ReturnTimestamp"/> is then when the client gave up (null
/// if it never did); the checker ignores it and lets the operation take effect at any time after its invocation.
/// </summary>
public sealed record OperationRecord(
    int Id, int ClientId, string Key, RegisterOp Operation, long InvokeTimestamp, long? ReturnTimestamp, RegisterResult? Result)
{
    public bool IsUnknown => Result is null;

    /// <summary>Throws when the record cannot describe a real operation, so bad recordings fail loudly instead of checking wrong.</summary>
    internal void Validate()
    {
        if (Result is not null && !Operation.Accepts(Result))
        {
            throw new ArgumentException($"Operation #{Id} is a {Operation} but completed with {Result.GetType().Name}.");
        }
        if (Result is not null && ReturnTimestamp is null)
        {
            throw new ArgumentException($"Operation #{Id} has a result but no return timestamp.");
        }
        if (ReturnTimestamp < InvokeTimestamp)
        {
            throw new ArgumentException($"Operation #{Id} returned before it was invoked.");
        }
    }
}

/// <summary>A recorded history and the frequency of its timestamps (ticks per second).</summary>
public sealed record RecordedHistory(IReadOnlyList<OperationRecord> Operations, long TimestampFrequency);
