using Mesh.Server.State;
using Mesh.Server.State.ConnectCa;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Connect;

/// <summary>
/// Changes to the CA: its first root (the leader, once) and configuration updates (PUT /v1/connect/ca/configuration).
/// Roots are generated here and written whole through <paramref name="writer"/>, so every server applies the same one.
/// </summary>
public sealed class CaManager(IStateWriter writer, IStateReader reader, TimeProvider time)
{
    /// <summary>
    /// Creates the cluster's identity and first root unless there is an active root. False when another writer won
    /// the race (the state then has a root anyway).
    /// </summary>
    public async Task<bool> InitializeAsync(CancellationToken cancellationToken)
    {
        var state = (await reader.QueryAsync(new ConnectCaQuery(), QueryOptions.Now, cancellationToken).ConfigureAwait(false)).Value;
        if (state.ActiveRoot is not null)
        {
            return false;
        }
        var clusterId = state.ClusterId ?? Guid.NewGuid().ToString();
        var configuration = state.Configuration ?? new CaConfiguration();
        var root = CertificateAuthority.CreateRoot(clusterId, configuration.Config, time.GetUtcNow());
        var result = await writer.ApplyAsync(new ConnectCaSetRoot(clusterId, configuration, root, ExpectedActiveRootId: null), cancellationToken).ConfigureAwait(false);
        return result.Error is { } error ? throw new InvalidOperationException(error) : result.Succeeded;
    }

    /// <summary>
    /// Applies a new configuration. A change of key type or size, or an operator's own key, rotates to a new root;
    /// the old root stays listed (inactive) so that the leaves it signed keep verifying. Throws
    /// <see cref="ArgumentException"/> for a request it refuses.
    /// </summary>
    public async Task UpdateAsync(CaConfigurationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HasRootCert)
        {
            throw new ArgumentException("Config.RootCert is not supported: give Config.PrivateKey alone and the CA makes its root certificate from it");
        }
        var config = request.ProviderConfig();
        var state = (await reader.QueryAsync(new ConnectCaQuery(), QueryOptions.Now, cancellationToken).ConfigureAwait(false)).Value;
        if (state.ActiveRoot is not { } active || state.ClusterId is not { } clusterId)
        {
            throw new InvalidOperationException("the Connect CA is not initialized yet");
        }
        var configuration = new CaConfiguration { Config = config, ForceWithoutCrossSigning = request.ForceWithoutCrossSigning };
        var rotate = request.PrivateKey is not null
            || config.PrivateKeyType != active.PrivateKeyType
            || config.PrivateKeyBits != active.PrivateKeyBits;
        StateCommand command = rotate
            ? new ConnectCaSetRoot(clusterId, configuration, CertificateAuthority.CreateRoot(clusterId, config, time.GetUtcNow(), request.PrivateKey), active.ID)
            : new ConnectCaSetConfig(configuration);
        var result = await writer.ApplyAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            throw new InvalidOperationException(error);
        }
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("the CA root changed while this update was prepared; try again");
        }
    }
}
