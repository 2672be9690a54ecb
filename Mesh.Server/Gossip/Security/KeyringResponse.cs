namespace Mesh.Server.Gossip;

/// <summary>The pool-wide keyring operations (Consul's <c>keyring -list/-install/-use/-remove</c>).</summary>
public enum KeyringOperation
{
    List,
    Install,
    Use,
    Remove,
}

/// <summary>
/// What the pool answered to a keyring operation, as Serf's KeyResponse: per-member error messages, how many
/// members were asked and answered, and (for a list) on how many members each key is installed and primary.
/// <paramref name="Error"/> is null only when every member answered without error.
/// </summary>
public sealed record KeyringResponse(
    int NumNodes,
    int NumResponses,
    int NumErrors,
    IReadOnlyDictionary<string, string> Messages,
    IReadOnlyDictionary<string, int> Keys,
    IReadOnlyDictionary<string, int> PrimaryKeys,
    string? Error)
{
    /// <summary>An operation refused before anything was asked (e.g. a key that is no key).</summary>
    public static KeyringResponse Refused(string error) => new(0, 0, 0, Empty<string>(), Empty<int>(), Empty<int>(), error);

    /// <summary>The answer of a lone member without encryption (gossip disabled or no <c>encrypt</c>), in Serf's words.</summary>
    public static KeyringResponse EncryptionDisabled(string node, KeyringOperation operation) => new(
        1, 1, 1,
        new SortedDictionary<string, string>(StringComparer.Ordinal) { [node] = GossipKeyManager.NotEnabled(operation) },
        Empty<int>(), Empty<int>(), FailureCount(1, 1));

    internal static string FailureCount(int errors, int nodes) => $"{errors}/{nodes} nodes reported failure";

    internal static string SuccessCount(int responses, int nodes) => $"{responses}/{nodes} nodes reported success";

    private static SortedDictionary<string, T> Empty<T>() => new(StringComparer.Ordinal);
}
