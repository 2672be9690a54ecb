using Mesh.Server.State.ConnectCa;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Connect;

/// <summary>
/// A server's signer: the CA with its keys from this server's own replica (a signing key is never fetched from
/// another server), once the replica holds what the leader holds: right after the leader created or rotated the
/// root, a follower's replica may still be an entry behind.
/// </summary>
public sealed class LocalLeafSigner(IStateReader reader, string datacenter, TimeProvider time) : ILeafSigner
{
    /// <summary>How long this server's replica may take to apply what the leader already holds.</summary>
    private static readonly TimeSpan ReplicaCatchUp = TimeSpan.FromSeconds(5);

    public async Task<LeafCertificate> SignAsync(string service, string csrPem, CancellationToken cancellationToken)
    {
        var leaders = await reader.QueryAsync(new ConnectCaQuery(), QueryOptions.Now, cancellationToken).ConfigureAwait(false);
        var replica = new QueryOptions(leaders.Index > 0 ? leaders.Index - 1 : 0, ReplicaCatchUp, Consistency.Stale);
        var ca = (await reader.QueryAsync(new ConnectCaQuery(WithPrivateKeys: true), replica, cancellationToken).ConfigureAwait(false)).Value;
        if (ca.ActiveRoot is not { } root)
        {
            throw new InvalidOperationException(LeafCertificates.NotInitialized);
        }
        var ttl = CertificateAuthority.ParseTtl(ca.Configuration?.Config.LeafCertTTL ?? new CaProviderConfig().LeafCertTTL, "LeafCertTTL");
        return CertificateAuthority.SignLeaf(root, ca.TrustDomain, datacenter, service, csrPem, time.GetUtcNow(), ttl);
    }
}
