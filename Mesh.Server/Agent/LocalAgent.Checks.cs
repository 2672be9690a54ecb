using Mesh.Server.Checks;
using Mesh.Server.Config;
using Mesh.Server.State;

namespace Mesh.Server.Agent;

public sealed partial class LocalAgent
{
    public Task RegisterCheckAsync(CheckDefinition check, CancellationToken cancellationToken = default) =>
        RegisterCheckAsync(check, fromConfigFile: false, cancellationToken);

    /// <param name="fromConfigFile">Config-file checks may run scripts under enable_local_script_checks.</param>
    public async Task RegisterCheckAsync(CheckDefinition check, bool fromConfigFile, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(check.Name))
        {
            throw AgentException.BadRequest("Missing check name");
        }
        var resolved = check with { ID = check.EffectiveId ?? check.Name };
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = ToCatalogCheck(resolved, fromConfigFile);
            if (!string.IsNullOrEmpty(resolved.ServiceID))
            {
                var service = Service(resolved.ServiceID)
                    ?? throw AgentException.BadRequest($"ServiceID \"{resolved.ServiceID}\" does not exist");
                record = record with { ServiceName = service.Service, ServiceTags = service.Tags };
            }
            if (!DeferToSync(fromConfigFile))
            {
                await WriteAsync(new CatalogRegister(NodeRecord(), Checks: [record], SkipNodeUpdate: true), cancellationToken).ConfigureAwait(false);
            }
            StartCheck(record, resolved);
        }
        finally
        {
            _writes.Release();
        }
    }

    public async Task DeregisterCheckAsync(string checkId, CancellationToken cancellationToken = default)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (!_checks.ContainsKey(checkId))
                {
                    throw AgentException.NotFound($"Unknown check ID \"{checkId}\". Ensure that the check ID is passed, not the check name.");
                }
            }
            await RemoveCheckCoreAsync(checkId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    public async Task UpdateTtlAsync(string checkId, string status, string output, CancellationToken cancellationToken = default)
    {
        if (!HealthStatus.IsValid(status))
        {
            throw AgentException.BadRequest($"Invalid status \"{status}\"");
        }
        LocalCheck? check;
        lock (_gate)
        {
            check = _checks.GetValueOrDefault(checkId);
        }
        if (check is null)
        {
            throw AgentException.NotFound($"Unknown check ID \"{checkId}\". Ensure that the check ID is passed, not the check name.");
        }
        if (!check.IsTtl || !_runner.UpdateTtl(checkId, status, output))
        {
            throw new AgentException(500, $"CheckID \"{checkId}\" does not have associated TTL");
        }
        // The runner notified the new status; make sure it is in the catalog before answering.
        await _checkUpdates.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void UpdateCheck(string checkId, string status, string output)
    {
        CatalogCheck updated;
        lock (_gate)
        {
            if (!_checks.TryGetValue(checkId, out var local))
            {
                return;
            }
            updated = local.Check with { Status = status, Output = output };
            _checks[checkId] = local with { Check = updated };
        }
        _checkUpdates.Enqueue(new CheckStatusUpdate(NodeName, checkId, status, output));
        RefreshAliases(updated.ServiceID);
    }

    private CatalogCheck ToCatalogCheck(CheckDefinition definition, bool fromConfigFile)
    {
        var type = "alias";
        if (string.IsNullOrEmpty(definition.AliasService))
        {
            ValidateScriptPermission(definition, fromConfigFile);
            if (!CheckRunner.TryClassify(definition, out var kind, out var error))
            {
                throw AgentException.BadRequest(error);
            }
            type = kind.ToString().ToLowerInvariant();
        }
        return new CatalogCheck
        {
            Node = NodeName,
            CheckID = definition.EffectiveId!,
            Name = definition.Name ?? definition.EffectiveId!,
            Notes = definition.Notes ?? "",
            Status = string.IsNullOrEmpty(definition.Status) ? HealthStatus.Critical : definition.Status,
            ServiceID = definition.ServiceID ?? "",
            Type = type,
            Definition = definition,
        };
    }

    private void ValidateScriptPermission(CheckDefinition definition, bool fromConfigFile)
    {
        var isScript = definition.Args is { Count: > 0 } || !string.IsNullOrEmpty(definition.Shell);
        if (isScript && !_options.EnableScriptChecks && !(fromConfigFile && _options.EnableLocalScriptChecks))
        {
            throw AgentException.BadRequest(
                "Scripts are disabled on this agent; to enable, configure 'enable_script_checks' or 'enable_local_script_checks' to true");
        }
    }

    private void StartCheck(CatalogCheck check, CheckDefinition definition)
    {
        lock (_gate)
        {
            _checks[check.CheckID] = new LocalCheck(check, check.Type == "ttl", definition.AliasService);
        }
        if (definition.AliasService is null)
        {
            _runner.Add(check.CheckID, definition);
        }
        else
        {
            RefreshAliases(definition.AliasService);
        }
    }

    private async Task RemoveCheckCoreAsync(string checkId, CancellationToken cancellationToken)
    {
        _runner.Remove(checkId);
        await WriteAsync(new CatalogDeregister(NodeName, CheckID: checkId), cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _checks.Remove(checkId);
        }
    }

    /// <summary>An alias check is as healthy as the worst check of the service it aliases.</summary>
    private void RefreshAliases(string aliasedServiceId)
    {
        if (string.IsNullOrEmpty(aliasedServiceId))
        {
            return;
        }
        List<(string CheckId, string Status, string Output)> changed = [];
        lock (_gate)
        {
            var statuses = _checks.Values
                .Where(c => c.Check.ServiceID == aliasedServiceId && c.AliasService is null)
                .Select(c => c.Check.Status)
                .ToList();
            var status = statuses.Contains(HealthStatus.Critical) ? HealthStatus.Critical
                : statuses.Contains(HealthStatus.Warning) ? HealthStatus.Warning
                : HealthStatus.Passing;
            var output = status == HealthStatus.Passing ? "All checks passing." : $"Aliased service has {status} checks.";
            foreach (var alias in _checks.Values.Where(c => c.AliasService == aliasedServiceId).ToList())
            {
                if (alias.Check.Status != status || alias.Check.Output != output)
                {
                    _checks[alias.Check.CheckID] = alias with { Check = alias.Check with { Status = status, Output = output } };
                    changed.Add((alias.Check.CheckID, status, output));
                }
            }
        }
        changed.ForEach(c => _checkUpdates.Enqueue(new CheckStatusUpdate(NodeName, c.CheckId, c.Status, c.Output)));
    }
}
