using Mesh.Connect.Intentions;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.State;

/// <summary>
/// A read of the store, valid only inside <see cref="StateStore.QueryAsync{T}"/>. Each read records the watch
/// keys it depends on and raises <see cref="Index"/> to the index its result reflects.
/// </summary>
public sealed class StateReader
{
    private readonly StateStore _store;
    private readonly HashSet<WatchKey> _watches = [];

    internal StateReader(StateStore store) => _store = store;

    /// <summary>The highest index among what was read.</summary>
    public ulong Index { get; private set; }

    internal IReadOnlyCollection<WatchKey> Watches => _watches;

    public KvEntry? KvGet(string key) => _store.ReadKv(this, key);

    /// <summary>Every entry under <paramref name="prefix"/>, in key order.</summary>
    public IReadOnlyList<KvEntry> KvList(string prefix) => _store.ReadKvPrefix(this, prefix);

    public IReadOnlyList<CatalogNode> Nodes() => _store.ReadNodes(this);

    public CatalogNode? Node(string name) => _store.ReadNode(this, name);

    /// <summary>The instances registered on <paramref name="node"/>, by ID.</summary>
    public IReadOnlyList<CatalogService> NodeServices(string node) => _store.ReadNodeServices(this, node);

    public IReadOnlyList<CatalogCheck> NodeChecks(string node) => _store.ReadNodeChecks(this, node);

    /// <summary>Service names with the union of their instances' tags.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ServiceNames() => _store.ReadServiceNames(this);

    /// <summary>
    /// The instances of one service, ordered by node then ID, each with its node and the checks that govern it
    /// (its own and its node's).
    /// </summary>
    public IReadOnlyList<ServiceEntry> ServiceEntries(string service) => _store.ReadServiceEntries(this, service);

    /// <summary>The sidecar proxies and connect-native instances that accept mesh traffic for <paramref name="service"/>.</summary>
    public IReadOnlyList<ServiceEntry> ConnectEntries(string service) => _store.ReadConnectEntries(this, service);

    /// <summary>The checks registered for one service's instances (node checks excluded).</summary>
    public IReadOnlyList<CatalogCheck> ServiceChecks(string service) => _store.ReadServiceChecks(this, service);

    public IReadOnlyList<CatalogCheck> AllChecks() => _store.ReadAllChecks(this);

    /// <summary>Every intention, most specific first.</summary>
    public IReadOnlyList<Intention> Intentions() => _store.ReadIntentions(this);
    /// <summary>The Connect CA: cluster identity, roots (with their keys) and configuration.</summary>
    public ConnectCa.ConnectCaState ConnectCa() => _store.ReadConnectCa(this);

    /// <summary>Runs a transaction that only reads.</summary>
    public Txn.TxnOutcome Txn(IReadOnlyList<Txn.TxnOp> ops) => _store.ReadTxn(ops);

    public Sessions.SessionEntry? Session(string id) => _store.ReadSession(this, id);

    /// <summary>Every session, by ID.</summary>
    public IReadOnlyList<Sessions.SessionEntry> Sessions() => _store.ReadSessions(this, node: null);

    public IReadOnlyList<Sessions.SessionEntry> NodeSessions(string node) => _store.ReadSessions(this, node);

    /// <summary>The sessions with a TTL; the index moves on renewals too.</summary>
    public IReadOnlyList<Sessions.SessionEntry> SessionTimers() => _store.ReadSessionTimers(this);

    /// <summary>What is left of a key's lock delay (not watched: it runs out by time, not by a write).</summary>
    public Sessions.KvLockDelay LockDelay(string key) => _store.ReadLockDelay(key);

    /// <summary>Every prepared query, by ID.</summary>
    public IReadOnlyList<PreparedQueries.PreparedQuery> PreparedQueries() => _store.ReadPreparedQueries(this);

    public PreparedQueries.PreparedQuery? PreparedQuery(string id) => _store.ReadPreparedQuery(this, id);

    /// <summary>The prepared query an execute or explain names, by ID or by name.</summary>
    public PreparedQueries.PreparedQuery? ResolvePreparedQuery(string idOrName) => _store.ResolvePreparedQuery(this, idOrName);

    internal void Touch(WatchKey key, ulong index)
    {
        _watches.Add(key);
        Index = Math.Max(Index, index);
    }
}
