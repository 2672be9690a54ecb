namespace Mesh.Server.Tests.Linearizability;

/// <summary>The sequential specification: a single register per key that starts absent.</summary>
internal static class RegisterModel
{
    public const int Illegal = -1;

    /// <summary>
    /// The state after <paramref name="op"/> takes effect on <paramref name="state"/>, or <see cref="Illegal"/> when its
    /// observed result contradicts that state. An unknown operation accepts any outcome, so it is never illegal.
    /// </summary>
    public static int Step(in CompiledOp op, int state) => op.Kind switch
    {
        OpKind.Read => op.IsUnknown || op.Observed == state ? state : Illegal,
        OpKind.Write => op.Value,
        OpKind.Delete => KeyHistory.Absent,
        _ when state == op.Value => op.Observed == 0 ? Illegal : op.NewValue,
        _ => op.Observed == 1 ? Illegal : state,
    };

    /// <summary>False for observers: reads and CASes known to have failed.</summary>
    public static bool ChangesState(in CompiledOp op) => op.Kind != OpKind.Read && !(op.Kind == OpKind.Cas && op.Observed == 0);

    /// <summary>Why <paramref name="op"/> cannot take effect on <paramref name="state"/> (for explanations).</summary>
    public static string WhyIllegal(in CompiledOp op, int state, string?[] values) => op.Kind switch
    {
        OpKind.Read => $"the register holds {OperationFormat.Value(values[state])}",
        _ when state == op.Value => $"it failed although the register holds the expected {OperationFormat.Value(values[state])}",
        _ => $"it swapped although the register holds {OperationFormat.Value(values[state])}",
    };
}
