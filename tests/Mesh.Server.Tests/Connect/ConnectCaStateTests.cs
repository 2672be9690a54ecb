using System.Text.Json;
using Mesh.Server.Connect;
using Mesh.Server.State;
using Mesh.Server.State.ConnectCa;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Tests.Connect;

public sealed class ConnectCaStateTests
{
    private const string ClusterId = "11111111-2222-3333-4444-555555555555";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static CaRoot NewRoot() => CertificateAuthority.CreateRoot(ClusterId, new CaProviderConfig(), Now);

    private static ConnectCaState Read(StateStore store, bool keys = false) =>
        new LocalStateReader(store).QueryAsync(new ConnectCaQuery(keys), QueryOptions.Now).GetAwaiter().GetResult().Value;

    [Fact]
    public void FirstRootSetsTheClusterAndOnlyOneInitializerWins()
    {
        var store = new StateStore();
        var first = NewRoot();

        Assert.True(store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), first, null)).Succeeded);
        Assert.False(store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), NewRoot(), null)).Succeeded);

        var state = Read(store);
        Assert.Equal(ClusterId + ".consul", state.TrustDomain);
        Assert.Equal(first.ID, Assert.Single(state.Roots).ID);
        Assert.Equal(1UL, state.ActiveRoot!.CreateIndex);
        Assert.Equal(1UL, state.Configuration!.CreateIndex);
        // The losing initializer changed nothing.
        Assert.Equal(1UL, state.Index);
    }

    [Fact]
    public void RotationKeepsTheOldRootInactive()
    {
        var store = new StateStore();
        var first = NewRoot();
        store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), first, null));
        var second = NewRoot();

        Assert.True(store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), second, first.ID)).Succeeded);

        var state = Read(store);
        Assert.Equal([(first.ID, false), (second.ID, true)], state.Roots.Select(r => (r.ID, r.Active)));
        Assert.Equal(2UL, state.Roots[0].ModifyIndex);
        Assert.Equal(1UL, state.Configuration!.CreateIndex);
        Assert.Equal(2UL, state.Configuration.ModifyIndex);
    }

    [Fact]
    public void AnotherClusterIdIsRejected()
    {
        var store = new StateStore();
        var first = NewRoot();
        store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), first, null));

        var result = store.Apply(new ConnectCaSetRoot("other", new CaConfiguration(), NewRoot(), first.ID));

        Assert.Contains("belongs to cluster", result.Error, StringComparison.Ordinal);
        Assert.Single(Read(store).Roots);
    }

    [Fact]
    public void ReadsLeaveTheKeysOutUnlessAsked()
    {
        var store = new StateStore();
        store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), NewRoot(), null));

        Assert.Null(Read(store).ActiveRoot!.PrivateKey);
        Assert.NotNull(Read(store, keys: true).ActiveRoot!.PrivateKey);
    }

    [Fact]
    public void ConfigurationChangesNeedAnInitializedCa()
    {
        var store = new StateStore();
        var config = new CaConfiguration { Config = new CaProviderConfig { LeafCertTTL = "1h" } };

        Assert.NotNull(store.Apply(new ConnectCaSetConfig(config)).Error);
        store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), NewRoot(), null));
        Assert.True(store.Apply(new ConnectCaSetConfig(config)).Succeeded);
        Assert.Equal("1h", Read(store).Configuration!.Config.LeafCertTTL);
    }

    [Fact]
    public void SnapshotsCarryTheCa()
    {
        var store = new StateStore();
        var root = NewRoot();
        store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), root, null));
        using var saved = new MemoryStream();
        store.Capture().WriteTo(saved);
        saved.Position = 0;

        var restored = new StateStore();
        restored.RestoreSnapshot(saved);

        var state = Read(restored, keys: true);
        Assert.Equal(ClusterId, state.ClusterId);
        Assert.Equal(root.ID, state.ActiveRoot!.ID);
        Assert.Equal(root.PrivateKey, state.ActiveRoot.PrivateKey);
        Assert.Equal("72h", state.Configuration!.Config.LeafCertTTL);
    }

    [Fact]
    public async Task ABlockingReadWakesOnRotation()
    {
        var store = new StateStore();
        var first = NewRoot();
        store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), first, null));
        var reader = new LocalStateReader(store);
        var index = (await reader.QueryAsync(new ConnectCaQuery(), QueryOptions.Now)).Index;

        var blocked = reader.QueryAsync(new ConnectCaQuery(), new QueryOptions(index, TimeSpan.FromSeconds(30)));
        store.Apply(new KvSet("unrelated", [1]));
        Assert.False(blocked.IsCompleted);
        store.Apply(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), NewRoot(), first.ID));

        var woke = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, woke.Value.Roots.Count);
    }

    [Fact]
    public void CommandsQueriesAndResultsTravelAsJson()
    {
        // What Raft's log and agent RPC (followers and client agents forwarding reads) carry.
        var store = new StateStore();
        var root = NewRoot();
        var command = JsonSerializer.Deserialize<StateCommand>(
            JsonSerializer.SerializeToUtf8Bytes<StateCommand>(new ConnectCaSetRoot(ClusterId, new CaConfiguration(), root, null), StateJson.Options), StateJson.Options);
        Assert.True(store.Apply(command!).Succeeded);
        var config = JsonSerializer.Deserialize<StateCommand>(
            JsonSerializer.SerializeToUtf8Bytes<StateCommand>(new ConnectCaSetConfig(new CaConfiguration { ForceWithoutCrossSigning = true }), StateJson.Options), StateJson.Options);
        Assert.True(store.Apply(config!).Succeeded);

        var query = JsonSerializer.Deserialize<StateQuery>(JsonSerializer.SerializeToUtf8Bytes<StateQuery>(new ConnectCaQuery(true), StateJson.Options), StateJson.Options);
        Assert.Equal(new ConnectCaQuery(true), query);
        var state = JsonSerializer.Deserialize<ConnectCaState>(JsonSerializer.SerializeToUtf8Bytes(Read(store, keys: true), StateJson.Options), StateJson.Options)!;
        Assert.Equal(root.ID, state.ActiveRoot!.ID);
        Assert.Equal(root.PrivateKey, state.ActiveRoot.PrivateKey);
        Assert.True(state.Configuration!.ForceWithoutCrossSigning);
        Assert.Equal(ClusterId + ".consul", state.TrustDomain);
    }
}
