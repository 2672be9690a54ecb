using Mesh.Server.Connect;
using Mesh.Server.State;
using Mesh.Server.State.ConnectCa;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Tests.Connect;

public sealed class LeafCertificatesTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly StateStore _store;
    private readonly CaManager _ca;
    private readonly LeafCertificates _leaves;

    public LeafCertificatesTests()
    {
        _store = new StateStore(_time);
        var reader = new LocalStateReader(_store);
        _ca = new CaManager(new LocalStateWriter(_store), reader, _time);
        _leaves = new LeafCertificates(reader, new LocalLeafSigner(reader, "dc1", _time), _time);
    }

    private ConnectCaState Ca() => _store.QueryAsync(r => r.ConnectCa(), 0, TimeSpan.Zero).GetAwaiter().GetResult().Value;

    private static CaConfigurationRequest Request(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<CaConfigurationRequest>(json)!;

    [Fact]
    public async Task WithoutACaThereIsNoLeaf()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None));
        Assert.Contains("not initialized", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLeafIsCachedUntilHalfItsLifePlusJitter()
    {
        Assert.True(await _ca.InitializeAsync(CancellationToken.None));
        Assert.False(await _ca.InitializeAsync(CancellationToken.None));
        var first = await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None);

        Assert.Same(first, await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None));
        Assert.InRange(first.RenewAt - first.Certificate.ValidAfter, TimeSpan.FromHours(36), TimeSpan.FromHours(72 * 0.6));
        _time.Advance(TimeSpan.FromHours(35));
        Assert.Same(first, await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None));

        // Past 60% of the 72 h life (43.2 h) whatever the jitter drew.
        _time.Advance(TimeSpan.FromHours(9));
        var renewed = await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None);
        Assert.NotEqual(first.Certificate.SerialNumber, renewed.Certificate.SerialNumber);
        Assert.True(renewed.Index > first.Index);
    }

    [Fact]
    public async Task RotationRenewsTheLeafAndOldLeavesStillVerify()
    {
        await _ca.InitializeAsync(CancellationToken.None);
        var before = await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None);

        await _ca.UpdateAsync(Request("""{"Provider":"consul","Config":{"PrivateKeyType":"ec","PrivateKeyBits":384}}"""), CancellationToken.None);

        var ca = Ca();
        var after = await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(ca.ActiveRoot!.ID, after.Certificate.RootID);
        Assert.NotEqual(before.Certificate.RootID, after.Certificate.RootID);
        Assert.True(after.Index > before.Index);
        var roots = ca.Roots.Select(r => r.RootCert).ToList();
        var at = _time.GetUtcNow().UtcDateTime;
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509ChainStatusFlags.NoError, CaAssert.Verify(before.Certificate.CertPEM, roots, at));
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509ChainStatusFlags.NoError, CaAssert.Verify(after.Certificate.CertPEM, roots, at));
    }

    [Fact]
    public async Task ABlockingQueryWakesOnRotation()
    {
        await _ca.InitializeAsync(CancellationToken.None);
        var first = await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None);

        var blocked = _leaves.GetAsync("web", first.Index, TimeSpan.FromMinutes(5), CancellationToken.None);
        await Eventually.TrueAsync(() => _store.WaitingQueries == 1, "the leaf query to block on the CA");
        Assert.False(blocked.IsCompleted);
        await _ca.UpdateAsync(Request("""{"Config":{"PrivateKeyBits":384}}"""), CancellationToken.None);

        var woke = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(woke.Index > first.Index);
        Assert.Equal(Ca().ActiveRoot!.ID, woke.Certificate.RootID);
    }

    [Fact]
    public async Task ABlockingQueryWakesOnRenewal()
    {
        await _ca.InitializeAsync(CancellationToken.None);
        var first = await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None);

        var blocked = _leaves.GetAsync("web", first.Index, TimeSpan.FromDays(30), CancellationToken.None);
        await Eventually.TrueAsync(() => _store.WaitingQueries == 1, "the leaf query to block");
        _time.Advance(first.RenewAt - _time.GetUtcNow());

        var woke = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(first.Certificate.SerialNumber, woke.Certificate.SerialNumber);
        Assert.True(woke.Index > first.Index);
    }

    [Fact]
    public async Task ABlockingQueryAnswersTheSameLeafWhenTheWaitEnds()
    {
        await _ca.InitializeAsync(CancellationToken.None);
        var first = await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None);

        var blocked = _leaves.GetAsync("web", first.Index, TimeSpan.FromMinutes(1), CancellationToken.None);
        await Eventually.TrueAsync(() => _store.WaitingQueries == 1, "the leaf query to block");
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Same(first, await blocked.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ConfigurationUpdatesWithoutNewKeysKeepTheRoot()
    {
        await _ca.InitializeAsync(CancellationToken.None);
        var root = Ca().ActiveRoot!.ID;

        await _ca.UpdateAsync(Request("""{"Provider":"consul","Config":{"leaf_cert_ttl":"24h"}}"""), CancellationToken.None);

        Assert.Equal(root, Assert.Single(Ca().Roots).ID);
        var leaf = await _leaves.GetAsync("web", 0, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1), leaf.Certificate.ValidBefore - leaf.Certificate.ValidAfter);
    }

    [Theory]
    [InlineData("""{"Provider":"vault"}""", "not supported")]
    [InlineData("""{"Config":{"LeafCertTTL":"soon"}}""", "LeafCertTTL")]
    [InlineData("""{"Config":{"PrivateKeyType":"dsa"}}""", "either 'ec' or 'rsa'")]
    [InlineData("""{"Config":{"RootCert":"-----BEGIN CERTIFICATE-----"}}""", "RootCert")]
    public async Task BadUpdatesAreRefused(string body, string message)
    {
        await _ca.InitializeAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _ca.UpdateAsync(Request(body), CancellationToken.None));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Single(Ca().Roots);
    }
}
