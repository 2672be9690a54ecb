using System.Diagnostics;
using System.Net;

namespace Mesh.Server.Tests.Http;

public sealed class BlockingQueryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_write_to_the_watched_key_wakes_the_query()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/watched", "1")).Dispose();
        var index = TestApi.IndexOf(await api.GetAsync("/v1/kv/watched"));

        var blocked = api.GetAsync($"/v1/kv/watched?index={index}&wait=5m");
        await Eventually.TrueAsync(() => api.Store.WaitingQueries == 1, "the query to block");
        Assert.False(blocked.IsCompleted);

        (await api.PutAsync("/v1/kv/watched", "2")).Dispose();

        using var woken = await blocked.WaitAsync(Deadline);
        Assert.Equal(HttpStatusCode.OK, woken.StatusCode);
        Assert.True(TestApi.IndexOf(woken) > index);
        var entry = Assert.Single((await TestApi.JsonOf(woken)).EnumerateArray());
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(entry.GetProperty("Value").GetBytesFromBase64()));
    }

    [Fact]
    public async Task Writes_to_other_keys_leave_the_query_blocked_until_its_wait_expires()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/watched", "1")).Dispose();
        var index = TestApi.IndexOf(await api.GetAsync("/v1/kv/watched"));
        var wait = TimeSpan.FromMilliseconds(1500);

        var elapsed = Stopwatch.StartNew();
        var blocked = api.GetAsync($"/v1/kv/watched?index={index}&wait=1500ms");
        await Eventually.TrueAsync(() => api.Store.WaitingQueries == 1, "the query to block");
        // Unrelated keys, one of them sharing the watched key as a prefix.
        (await api.PutAsync("/v1/kv/other", "x")).Dispose();
        (await api.PutAsync("/v1/kv/watched2", "x")).Dispose();
        (await api.DeleteAsync("/v1/kv/other")).Dispose();

        using var response = await blocked.WaitAsync(Deadline);
        Assert.True(elapsed.Elapsed >= wait, $"answered after {elapsed.Elapsed}, before its {wait} wait");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(index, TestApi.IndexOf(response));
    }

    [Fact]
    public async Task A_recursive_query_wakes_on_any_change_under_its_prefix_including_deletes()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/app/a", "1")).Dispose();
        (await api.PutAsync("/v1/kv/app/sub/b", "1")).Dispose();
        var index = TestApi.IndexOf(await api.GetAsync("/v1/kv/app/?recurse"));

        var blocked = api.GetAsync($"/v1/kv/app/?recurse&index={index}&wait=5m");
        await Eventually.TrueAsync(() => api.Store.WaitingQueries == 1, "the query to block");
        (await api.DeleteAsync("/v1/kv/app/sub/b")).Dispose();

        using var woken = await blocked.WaitAsync(Deadline);
        Assert.True(TestApi.IndexOf(woken) > index);
        Assert.Equal(["app/a"], (await TestApi.JsonOf(woken)).EnumerateArray().Select(e => e.GetProperty("Key").GetString()));
    }

    [Fact]
    public async Task A_health_query_wakes_when_a_check_of_the_service_changes()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n1", "web", "web-1", "critical"))).Dispose();
        using var first = await api.GetAsync("/v1/health/service/web?passing");
        Assert.Empty((await TestApi.JsonOf(first)).EnumerateArray());
        var index = TestApi.IndexOf(first);

        var blocked = api.GetAsync($"/v1/health/service/web?passing&index={index}&wait=5m");
        await Eventually.TrueAsync(() => api.Store.WaitingQueries == 1, "the query to block");
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n1", "web", "web-1", "passing"))).Dispose();

        using var woken = await blocked.WaitAsync(Deadline);
        Assert.True(TestApi.IndexOf(woken) > index);
        Assert.Single((await TestApi.JsonOf(woken)).EnumerateArray());
    }

    [Fact]
    public async Task The_index_never_goes_back_and_never_below_one()
    {
        await using var api = await TestApi.StartAsync();
        using (var empty = await api.GetAsync("/v1/kv/?recurse"))
        {
            Assert.Equal(1UL, TestApi.IndexOf(empty));
        }

        ulong last = 0;
        for (var i = 0; i < 5; i++)
        {
            (await api.PutAsync($"/v1/kv/k{i}", "v")).Dispose();
            (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance($"n{i}", "web", "web", "passing"))).Dispose();
            using var kv = await api.GetAsync("/v1/kv/?recurse");
            using var nodes = await api.GetAsync("/v1/catalog/nodes");
            var index = Math.Max(TestApi.IndexOf(kv), TestApi.IndexOf(nodes));
            Assert.True(index > last, $"index {index} after {last}");
            last = index;
        }
    }

    [Fact]
    public async Task A_client_that_goes_away_stops_its_query()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/k", "v")).Dispose();
        var index = TestApi.IndexOf(await api.GetAsync("/v1/kv/k"));

        using var cancel = new CancellationTokenSource();
        var blocked = api.GetAsync($"/v1/kv/k?index={index}&wait=10m", cancel.Token);
        await Eventually.TrueAsync(() => api.Store.WaitingQueries == 1, "the query to block");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        await Eventually.TrueAsync(() => api.Store.WaitingQueries == 0, "the server to drop the query");
    }
}
