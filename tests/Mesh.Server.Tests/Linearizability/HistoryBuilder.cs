namespace Mesh.Server.Tests.Linearizability;

/// <summary>Hand-built histories for tests; times are milliseconds.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<OperationRecord> _records = [];

    public HistoryBuilder Read(int client, long from, long to, string? value, string key = "k") =>
        Add(client, key, new ReadOp(), from, to, new ReadValue(value));

    public HistoryBuilder Write(int client, long from, long to, string value, string key = "k") =>
        Add(client, key, new WriteOp(value), from, to, new Acknowledged());

    public HistoryBuilder Cas(int client, long from, long to, string? expected, string value, bool swapped, string key = "k") =>
        Add(client, key, new CasOp(expected, value), from, to, new CasOutcome(swapped));

    public HistoryBuilder Delete(int client, long from, long to, string key = "k") =>
        Add(client, key, new DeleteOp(), from, to, new Acknowledged());

    /// <summary>An operation whose client gave up at <paramref name="gaveUp"/> without a reply.</summary>
    public HistoryBuilder Unknown(int client, long from, long gaveUp, RegisterOp operation, string key = "k") =>
        Add(client, key, operation, from, gaveUp, null);

    public RecordedHistory Build() => new([.. _records], 1000);

    private HistoryBuilder Add(int client, string key, RegisterOp operation, long from, long to, RegisterResult? result)
    {
        _records.Add(new OperationRecord(_records.Count, client, key, operation, from, to, result));
        return this;
    }
}
