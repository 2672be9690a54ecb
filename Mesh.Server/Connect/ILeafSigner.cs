namespace Mesh.Server.Connect;

/// <summary>Has a server's CA certify a leaf key: on a server, from its own replica; on a client agent, over agent RPC.</summary>
public interface ILeafSigner
{
    /// <summary>The certificate for <paramref name="csrPem"/>'s key, naming <paramref name="service"/>, without the key.</summary>
    /// <exception cref="InvalidOperationException">No CA can sign yet (Connect is off, or the CA is not initialized).</exception>
    Task<LeafCertificate> SignAsync(string service, string csrPem, CancellationToken cancellationToken);
}
