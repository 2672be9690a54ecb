using Mesh.Server.State.ConnectCa;

namespace Mesh.Server.State;

public sealed partial class StateStore
{
    private const string ConnectCaTable = "connect-ca";

    private string? _caClusterId;
    private List<CaRoot> _caRoots = [];
    private CaConfiguration? _caConfig;

    private ApplyResult ApplyConnectCaSetRoot(ConnectCaSetRoot set, ulong index, ChangeSet changes)
    {
        var active = _caRoots.FirstOrDefault(r => r.Active);
        if (active?.ID != set.ExpectedActiveRootId)
        {
            return new ApplyResult(index, Succeeded: false);
        }
        if (_caClusterId is not null && _caClusterId != set.ClusterId)
        {
            return new ApplyResult(index, false, $"the CA belongs to cluster {_caClusterId}, not {set.ClusterId}");
        }
        if (_caRoots.Any(r => r.ID == set.Root.ID))
        {
            return new ApplyResult(index, false, $"CA root {set.Root.ID} is already known");
        }
        _caClusterId = set.ClusterId;
        _caRoots = [.. _caRoots.Select(r => r.Active ? r with { Active = false, ModifyIndex = index } : r),
            set.Root with { Active = true, CreateIndex = index, ModifyIndex = index }];
        _caConfig = set.Configuration with { CreateIndex = _caConfig?.CreateIndex ?? index, ModifyIndex = index };
        ConnectCaChanged(index, changes);
        return new ApplyResult(index, Succeeded: true);
    }

    private ApplyResult ApplyConnectCaSetConfig(ConnectCaSetConfig set, ulong index, ChangeSet changes)
    {
        if (_caConfig is null)
        {
            return new ApplyResult(index, false, "the CA is not initialized yet");
        }
        _caConfig = set.Configuration with { CreateIndex = _caConfig.CreateIndex, ModifyIndex = index };
        ConnectCaChanged(index, changes);
        return new ApplyResult(index, Succeeded: true);
    }

    private void ConnectCaChanged(ulong index, ChangeSet changes)
    {
        BumpTable(ConnectCaTable, index);
        changes.Add(WatchKey.ConnectCa);
    }

    internal ConnectCaState ReadConnectCa(StateReader reader)
    {
        var index = TableIndex(ConnectCaTable);
        reader.Touch(WatchKey.ConnectCa, index);
        return new ConnectCaState(_caClusterId, _caRoots, _caConfig, index);
    }

    private ConnectCaState CaptureConnectCa() => new(_caClusterId, _caRoots, _caConfig, TableIndex(ConnectCaTable));

    private void ReplaceConnectCa(ConnectCaState? state)
    {
        _caClusterId = state?.ClusterId;
        _caRoots = [.. state?.Roots ?? []];
        _caConfig = state?.Configuration;
    }
}
