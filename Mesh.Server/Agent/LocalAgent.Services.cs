using Mesh.Server.Config;
using Mesh.Server.State;

namespace Mesh.Server.Agent;

public sealed partial class LocalAgent
{
    public Task RegisterServiceAsync(ServiceDefinition service, CancellationToken cancellationToken = default) =>
        RegisterServiceAsync(service, fromConfigFile: false, cancellationToken);

    /// <param name="fromConfigFile">
    /// Config-file checks may run scripts under enable_local_script_checks; config-file services reach the catalog
    /// through the first anti-entropy sync, since the agent loads them before it (or its datacenter) is running.
    /// </param>
    public async Task RegisterServiceAsync(ServiceDefinition service, bool fromConfigFile, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(service.Name))
        {
            throw AgentException.BadRequest("Missing service name");
        }
        if (service.Port is < 0 or > 65535)
        {
            throw AgentException.BadRequest($"Invalid service port {service.Port}");
        }
        var resolved = service with { ID = string.IsNullOrEmpty(service.ID) ? service.Name : service.ID };

        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sidecar = SidecarService.For(resolved, _options.SidecarMinPort, _options.SidecarMaxPort, SidecarPortsInUse(except: resolved.ID!));
            // Validate everything before writing anything: a rejected registration leaves no trace.
            var registrations = new List<(CatalogService Service, List<(CatalogCheck Check, CheckDefinition Definition)> Checks)>
            {
                Prepare(resolved, fromConfigFile),
            };
            if (sidecar is not null)
            {
                registrations.Add(Prepare(sidecar, fromConfigFile));
            }

            foreach (var (instance, checks) in registrations)
            {
                if (!DeferToSync(fromConfigFile))
                {
                    await RemoveServiceChecksNotInAsync(instance.ID, [.. checks.Select(c => c.Check.CheckID)], cancellationToken).ConfigureAwait(false);
                    await WriteAsync(new CatalogRegister(NodeRecord(), instance, [.. checks.Select(c => c.Check)], SkipNodeUpdate: true), cancellationToken).ConfigureAwait(false);
                }
                lock (_gate)
                {
                    _services[instance.ID] = instance;
                }
                foreach (var (check, definition) in checks)
                {
                    StartCheck(check, definition);
                }
            }
            NotifyServicesChanged();
        }
        finally
        {
            _writes.Release();
        }
    }

    public async Task DeregisterServiceAsync(string serviceId, CancellationToken cancellationToken = default)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Service(serviceId) is null)
            {
                throw AgentException.NotFound($"Unknown service ID \"{serviceId}\". Ensure that the service ID is passed, not the service name.");
            }
            // A sidecar goes with the service it was registered for.
            foreach (var id in new[] { serviceId, SidecarService.IdFor(serviceId) })
            {
                if (Service(id) is null)
                {
                    continue;
                }
                await WriteAsync(new CatalogDeregister(NodeName, ServiceID: id), cancellationToken).ConfigureAwait(false);
                List<string> removed;
                lock (_gate)
                {
                    _services.Remove(id);
                    removed = [.. _checks.Values.Where(c => c.Check.ServiceID == id).Select(c => c.Check.CheckID)];
                    removed.ForEach(c => _checks.Remove(c));
                }
                removed.ForEach(c => _runner.Remove(c));
            }
            NotifyServicesChanged();
        }
        finally
        {
            _writes.Release();
        }
    }

    private (CatalogService Service, List<(CatalogCheck Check, CheckDefinition Definition)> Checks) Prepare(ServiceDefinition service, bool fromConfigFile)
    {
        var instance = new CatalogService
        {
            Node = NodeName,
            ID = service.ID ?? service.Name!,
            Service = service.Name!,
            Kind = service.Kind ?? "",
            Tags = service.Tags ?? [],
            Address = service.Address ?? "",
            TaggedAddresses = service.TaggedAddresses ?? [],
            Meta = service.Meta ?? [],
            Port = service.Port,
            Weights = service.Weights ?? new ServiceWeights(),
            EnableTagOverride = service.EnableTagOverride,
            Proxy = service.Proxy,
            ConnectNative = service.Connect?.Native ?? false,
        };
        var definitions = new List<CheckDefinition>();
        if (service.Check is not null)
        {
            definitions.Add(service.Check);
        }
        definitions.AddRange(service.Checks ?? []);
        var checks = definitions
            .Select((definition, i) =>
            {
                var id = definition.EffectiveId
                    ?? (definitions.Count == 1 ? $"service:{instance.ID}" : $"service:{instance.ID}:{i + 1}");
                var resolved = definition with
                {
                    ID = id,
                    Name = definition.Name ?? $"Service '{instance.Service}' check",
                    ServiceID = instance.ID,
                };
                return (ToCatalogCheck(resolved, fromConfigFile) with { ServiceName = instance.Service, ServiceTags = instance.Tags }, resolved);
            })
            .ToList();
        return (instance, checks);
    }

    private async Task RemoveServiceChecksNotInAsync(string serviceId, HashSet<string> keep, CancellationToken cancellationToken)
    {
        List<string> stale;
        lock (_gate)
        {
            stale = [.. _checks.Values.Where(c => c.Check.ServiceID == serviceId && !keep.Contains(c.Check.CheckID)).Select(c => c.Check.CheckID)];
        }
        foreach (var checkId in stale)
        {
            await RemoveCheckCoreAsync(checkId, cancellationToken).ConfigureAwait(false);
        }
    }

    private HashSet<int> SidecarPortsInUse(string except)
    {
        lock (_gate)
        {
            return [.. _services.Values
                .Where(s => s.Kind == SidecarService.Kind && s.ID != SidecarService.IdFor(except))
                .Select(s => s.Port)];
        }
    }

    private void OnCriticalTooLong(string serviceId)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                _logger.LogInformation("Deregistering service {ServiceId}: critical longer than deregister_critical_service_after", serviceId);
                await DeregisterServiceAsync(serviceId).ConfigureAwait(false);
            }
            catch (AgentException)
            {
                // Already gone: someone deregistered it meanwhile.
            }
        });
    }
}
