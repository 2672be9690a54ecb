namespace Mesh.Server.Gossip;

/// <summary>
/// Pool-wide keyring changes, as Serf's KeyManager: each operation is a query every member answers by changing (or
/// listing) its own keyring, so keys rotate without downtime: install the new key everywhere, use it everywhere,
/// remove the old one everywhere. Unlike Serf, "use" and "remove" first list every member's keys and change nothing
/// unless all answered and all agree (the key is installed everywhere; it is nobody's primary), so a partial change
/// can never split the pool. One operation runs at a time.
/// </summary>
public sealed class GossipKeyManager
{
    private const string InstallQuery = "_mesh_install-key";
    private const string UseQuery = "_mesh_use-key";
    private const string RemoveQuery = "_mesh_remove-key";
    private const string ListQuery = "_mesh_list-keys";

    private readonly GossipAgent _agent;
    private readonly GossipKeyring? _keyring;
    private readonly string? _keyringFile;
    private readonly SemaphoreSlim _operations = new(1, 1);
    private readonly Lock _fileGate = new();

    internal GossipKeyManager(GossipAgent agent, GossipKeyring? keyring, string? keyringFile)
    {
        _agent = agent;
        _keyring = keyring;
        _keyringFile = keyringFile;
        agent.HandleQueries(InstallQuery, (query, _) => Answer(Change(query, KeyringOperation.Install, (ring, key) => ring.Install(key))));
        agent.HandleQueries(UseQuery, (query, _) => Answer(Change(query, KeyringOperation.Use, (ring, key) => ring.Use(key))));
        agent.HandleQueries(RemoveQuery, (query, _) => Answer(Change(query, KeyringOperation.Remove, (ring, key) => ring.Remove(key))));
        agent.HandleQueries(ListQuery, (_, _) => Answer(_keyring is null
            ? NodeKeyResponse.Failure(NotEnabled(KeyringOperation.List))
            : NodeKeyResponse.Success(_keyring.List(), _keyring.PrimaryKey)));
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on every member; <paramref name="key"/> is ignored for a list. Members also
    /// send their answers through <paramref name="relayFactor"/> others (0 to 5). The answer's Error says what failed.
    /// </summary>
    public async Task<KeyringResponse> ExecuteAsync(KeyringOperation operation, string? key, int relayFactor = 0, CancellationToken cancellationToken = default)
    {
        byte[] raw = [];
        if (operation != KeyringOperation.List && GossipKeyring.TryParseKey(key ?? "", out raw) is { } invalid)
        {
            return KeyringResponse.Refused(invalid);
        }
        var canonical = Convert.ToBase64String(raw);
        var parameters = new GossipQueryParameters { RelayFactor = relayFactor };
        await _operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return operation switch
            {
                KeyringOperation.List => (await AskAsync(ListQuery, [], parameters, cancellationToken).ConfigureAwait(false)).Summary,
                KeyringOperation.Install => (await AskAsync(InstallQuery, raw, parameters, cancellationToken).ConfigureAwait(false)).Summary,
                KeyringOperation.Use =>
                    await RefuseUnlessAllAgreeAsync(parameters, node => node.Keys.Contains(canonical) ? null : GossipKeyring.NotInstalled, cancellationToken).ConfigureAwait(false)
                    ?? (await AskAsync(UseQuery, raw, parameters, cancellationToken).ConfigureAwait(false)).Summary,
                _ =>
                    await RefuseUnlessAllAgreeAsync(parameters, node => node.PrimaryKey == canonical ? GossipKeyring.RemovingPrimary : null, cancellationToken).ConfigureAwait(false)
                    ?? (await AskAsync(RemoveQuery, raw, parameters, cancellationToken).ConfigureAwait(false)).Summary,
            };
        }
        finally
        {
            _operations.Release();
        }
    }

    /// <summary>What a member without a keyring answers, in Serf's words.</summary>
    internal static string NotEnabled(KeyringOperation operation) => operation == KeyringOperation.List
        ? "Keyring is empty (encryption not enabled)"
        : "No keyring to modify (encryption not enabled)";

    /// <summary>
    /// Lists every member's keys; null when all answered and <paramref name="objection"/> has none, else the refusal:
    /// the listing's own failure, or each objecting member with its objection.
    /// </summary>
    private async Task<KeyringResponse?> RefuseUnlessAllAgreeAsync(
        GossipQueryParameters parameters, Func<NodeKeyResponse, string?> objection, CancellationToken cancellationToken)
    {
        var (listing, nodes) = await AskAsync(ListQuery, [], parameters, cancellationToken).ConfigureAwait(false);
        if (listing.Error is not null)
        {
            return listing;
        }
        var objections = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in nodes)
        {
            if (objection(node) is { } message)
            {
                objections[name] = message;
            }
        }
        return objections.Count == 0
            ? null
            : listing with { NumErrors = objections.Count, Messages = objections, Error = KeyringResponse.FailureCount(objections.Count, listing.NumNodes) };
    }

    /// <summary>Asks every member and sums up the answers as Serf does.</summary>
    private async Task<(KeyringResponse Summary, Dictionary<string, NodeKeyResponse> Nodes)> AskAsync(
        string query, byte[] payload, GossipQueryParameters parameters, CancellationToken cancellationToken)
    {
        var result = await _agent.QueryAsync(query, payload, parameters, cancellationToken).ConfigureAwait(false);
        var messages = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var keys = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var primaryKeys = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var nodes = new Dictionary<string, NodeKeyResponse>(StringComparer.Ordinal);
        var errors = 0;
        foreach (var (name, bytes) in result.Responses)
        {
            var node = KeyQueryCodec.DecodeResponse(bytes) ?? NodeKeyResponse.Failure("Failed to decode key query response");
            nodes[name] = node;
            if (!node.Result)
            {
                messages[name] = node.Message;
                errors++;
            }
            foreach (var key in node.Keys)
            {
                keys[key] = keys.GetValueOrDefault(key) + 1;
            }
            if (node.PrimaryKey.Length > 0)
            {
                primaryKeys[node.PrimaryKey] = primaryKeys.GetValueOrDefault(node.PrimaryKey) + 1;
            }
        }
        // A member that joined after the query started may answer too.
        var total = Math.Max(result.Expected, result.Responses.Count);
        var error = errors > 0 ? KeyringResponse.FailureCount(errors, total)
            : result.Responses.Count < total ? KeyringResponse.SuccessCount(result.Responses.Count, total)
            : null;
        return (new KeyringResponse(total, result.Responses.Count, errors, messages, keys, primaryKeys, error), nodes);
    }

    /// <summary>A member's side of install, use and remove: change the local keyring, then save it.</summary>
    private NodeKeyResponse Change(GossipQuery query, KeyringOperation operation, Action<GossipKeyring, string> change)
    {
        if (!KeyQueryCodec.TryDecodeRequest(query.Payload.Span, out var key))
        {
            return NodeKeyResponse.Failure("Failed to decode key request");
        }
        if (_keyring is null)
        {
            return NodeKeyResponse.Failure(NotEnabled(operation));
        }
        try
        {
            change(_keyring, key);
            Save();
        }
        catch (InvalidOperationException exception)
        {
            return NodeKeyResponse.Failure(exception.Message);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return NodeKeyResponse.Failure($"Failed to write keyring file: {exception.Message}");
        }
        return NodeKeyResponse.Success();
    }

    private void Save()
    {
        if (_keyringFile is null || _keyring is null)
        {
            return;
        }
        lock (_fileGate)
        {
            GossipKeyringFile.Save(_keyringFile, _keyring.List());
        }
    }

    private static Task<byte[]?> Answer(NodeKeyResponse response) => Task.FromResult<byte[]?>(KeyQueryCodec.EncodeResponse(response));
}
