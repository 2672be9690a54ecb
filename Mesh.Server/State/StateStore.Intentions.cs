using Mesh.Connect.Intentions;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.State;

public sealed partial class StateStore
{
    private const string IntentionsTable = "intentions";

    // One intention per (source, destination), as Consul's service-intentions config entries hold them.
    private readonly Dictionary<(string Source, string Destination), Intention> _intentions = [];

    private ApplyResult ApplyIntention(IntentionApply apply, ulong index, ChangeSet changes)
    {
        var request = apply.Intention;
        var pair = (request.SourceName, request.DestinationName);
        if (apply.Op == IntentionOp.Delete)
        {
            return DeleteIntention(request, index, changes);
        }
        if (IntentionValidation.Validate(request) is { } invalid)
        {
            return new ApplyResult(index, false, invalid);
        }

        _intentions.TryGetValue(pair, out var samePair);
        Intention? previous;
        switch (apply.Op)
        {
            case IntentionOp.Create:
                if (samePair is not null)
                {
                    return new ApplyResult(index, false, $"duplicate intention found: {samePair}");
                }
                previous = null;
                break;
            case IntentionOp.Update:
                previous = _intentions.Values.FirstOrDefault(i => i.ID.Length > 0 && i.ID == request.ID);
                if (previous is null)
                {
                    return new ApplyResult(index, false, $"Cannot modify non-existent intention: \"{request.ID}\"");
                }
                if (samePair is not null && samePair != previous)
                {
                    return new ApplyResult(index, false, $"duplicate intention found: {samePair}");
                }
                _intentions.Remove((previous.SourceName, previous.DestinationName));
                break;
            default:
                previous = samePair;
                break;
        }

        // By-name writes carry no ID or times of their own; replacing a legacy intention keeps its identity.
        var legacy = apply.Op != IntentionOp.Upsert;
        _intentions[pair] = request with
        {
            ID = legacy ? request.ID : previous?.ID ?? "",
            CreatedAt = previous?.CreatedAt ?? (legacy ? apply.Now : default),
            UpdatedAt = legacy || previous?.ID.Length > 0 ? apply.Now : default,
            CreateIndex = previous?.CreateIndex ?? index,
            ModifyIndex = index,
        };
        IntentionsChanged(index, changes);
        return new ApplyResult(index, true);
    }

    private ApplyResult DeleteIntention(Intention request, ulong index, ChangeSet changes)
    {
        if (request.ID.Length > 0)
        {
            var byId = _intentions.Values.FirstOrDefault(i => i.ID == request.ID);
            if (byId is null)
            {
                return new ApplyResult(index, false, $"Cannot delete non-existent intention: \"{request.ID}\"");
            }
            _intentions.Remove((byId.SourceName, byId.DestinationName));
        }
        else if (!_intentions.Remove((request.SourceName, request.DestinationName)))
        {
            return new ApplyResult(index, true);
        }
        IntentionsChanged(index, changes);
        return new ApplyResult(index, true);
    }

    private void IntentionsChanged(ulong index, ChangeSet changes)
    {
        BumpTable(IntentionsTable, index);
        changes.Add(WatchKey.Intentions);
    }

    /// <summary>Every intention in Consul's listing order; a blocking read wakes on any intention write.</summary>
    internal IReadOnlyList<Intention> ReadIntentions(StateReader reader)
    {
        reader.Touch(WatchKey.Intentions, TableIndex(IntentionsTable));
        return [.. IntentionPrecedence.Sort(_intentions.Values)];
    }

    private void ReplaceIntentions(IEnumerable<Intention>? intentions)
    {
        _intentions.Clear();
        foreach (var intention in intentions ?? [])
        {
            _intentions[(intention.SourceName, intention.DestinationName)] = intention;
        }
    }
}
