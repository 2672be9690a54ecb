using System.Net;
using System.Text;

namespace Mesh.Server.Tests.Http;

public sealed class KvEndpointTests
{
    [Fact]
    public async Task Put_then_get_round_trips_value_flags_and_indexes()
    {
        await using var api = await TestApi.StartAsync();

        using (var put = await api.PutAsync("/v1/kv/redis/config/devops?flags=42", "value"))
        {
            Assert.Equal("true", await put.Content.ReadAsStringAsync());
        }

        using var get = await api.GetAsync("/v1/kv/redis/config/devops");
        var entries = await TestApi.JsonOf(get);
        var entry = Assert.Single(entries.EnumerateArray());
        Assert.Equal("redis/config/devops", entry.GetProperty("Key").GetString());
        Assert.Equal("value", Encoding.UTF8.GetString(entry.GetProperty("Value").GetBytesFromBase64()));
        Assert.Equal(42UL, entry.GetProperty("Flags").GetUInt64());
        Assert.Equal(0UL, entry.GetProperty("LockIndex").GetUInt64());
        Assert.False(entry.TryGetProperty("Session", out _));
        var modifyIndex = entry.GetProperty("ModifyIndex").GetUInt64();
        Assert.Equal(modifyIndex, entry.GetProperty("CreateIndex").GetUInt64());
        Assert.Equal(modifyIndex, TestApi.IndexOf(get));
        Assert.Equal("true", get.Headers.GetValues("X-Consul-KnownLeader").Single());
        Assert.Equal("0", get.Headers.GetValues("X-Consul-LastContact").Single());
        Assert.Equal("leader", get.Headers.GetValues("X-Consul-Effective-Consistency").Single());
    }

    [Fact]
    public async Task Empty_body_stores_a_key_without_value()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/empty")).Dispose();

        var entry = Assert.Single((await api.GetJsonAsync("/v1/kv/empty")).EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entry.GetProperty("Value").ValueKind);
    }

    [Fact]
    public async Task Keys_are_decoded_from_the_path_escaped_slashes_included()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/a%2Fb", "slash")).Dispose();
        (await api.PutAsync("/v1/kv/a%20b", "space")).Dispose();

        Assert.Equal(["a b", "a/b"], (await api.GetJsonAsync("/v1/kv/?keys")).EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("slash", await (await api.GetAsync("/v1/kv/a/b?raw")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Missing_key_is_404_with_empty_body_and_an_index()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await api.GetAsync("/v1/kv/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.True(TestApi.IndexOf(response) >= 1);
    }

    [Fact]
    public async Task Raw_answers_the_bare_bytes_as_consul_does()
    {
        await using var api = await TestApi.StartAsync();
        byte[] value = [0, 1, 2, 254, 255];
        (await api.PutBytesAsync("/v1/kv/bin", value)).Dispose();

        using var response = await api.GetAsync("/v1/kv/bin?raw");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(value, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Cas_writes_only_when_the_index_matches()
    {
        await using var api = await TestApi.StartAsync();
        Assert.Equal("true", await (await api.PutAsync("/v1/kv/k?cas=0", "first")).Content.ReadAsStringAsync());
        Assert.Equal("false", await (await api.PutAsync("/v1/kv/k?cas=0", "again")).Content.ReadAsStringAsync());

        var index = Assert.Single((await api.GetJsonAsync("/v1/kv/k")).EnumerateArray()).GetProperty("ModifyIndex").GetUInt64();
        Assert.Equal("false", await (await api.PutAsync($"/v1/kv/k?cas={index + 100}", "stale")).Content.ReadAsStringAsync());
        Assert.Equal("true", await (await api.PutAsync($"/v1/kv/k?cas={index}", "second")).Content.ReadAsStringAsync());

        using var raw = await api.GetAsync("/v1/kv/k?raw");
        Assert.Equal("second", await raw.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Recurse_keys_and_separator_list_a_prefix()
    {
        await using var api = await TestApi.StartAsync();
        foreach (var key in new[] { "web/bar", "web/foo", "web/subdir/a", "web/subdir/b", "webz", "other" })
        {
            (await api.PutAsync($"/v1/kv/{key}", key)).Dispose();
        }

        var recursed = await api.GetJsonAsync("/v1/kv/web/?recurse");
        Assert.Equal(["web/bar", "web/foo", "web/subdir/a", "web/subdir/b"], recursed.EnumerateArray().Select(e => e.GetProperty("Key").GetString()));

        var keys = await api.GetJsonAsync("/v1/kv/web?keys");
        Assert.Equal(["web/bar", "web/foo", "web/subdir/a", "web/subdir/b", "webz"], keys.EnumerateArray().Select(e => e.GetString()));

        var folded = await api.GetJsonAsync("/v1/kv/web/?keys&separator=/");
        Assert.Equal(["web/bar", "web/foo", "web/subdir/"], folded.EnumerateArray().Select(e => e.GetString()));

        var all = await api.GetJsonAsync("/v1/kv/?recurse");
        Assert.Equal(6, all.GetArrayLength());

        using var none = await api.GetAsync("/v1/kv/nothing/?recurse");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        using var noKeys = await api.GetAsync("/v1/kv/nothing/?keys");
        Assert.Equal(HttpStatusCode.NotFound, noKeys.StatusCode);
    }

    [Fact]
    public async Task Delete_removes_a_key_a_subtree_or_only_on_cas()
    {
        await using var api = await TestApi.StartAsync();
        foreach (var key in new[] { "a/1", "a/2", "a/b/3", "ab", "z" })
        {
            (await api.PutAsync($"/v1/kv/{key}", "v")).Dispose();
        }

        Assert.Equal("true", await (await api.DeleteAsync("/v1/kv/z")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/v1/kv/z")).StatusCode);

        Assert.Equal("true", await (await api.DeleteAsync("/v1/kv/a/?recurse")).Content.ReadAsStringAsync());
        var left = await api.GetJsonAsync("/v1/kv/?keys");
        Assert.Equal(["ab"], left.EnumerateArray().Select(e => e.GetString()));

        var index = Assert.Single((await api.GetJsonAsync("/v1/kv/ab")).EnumerateArray()).GetProperty("ModifyIndex").GetUInt64();
        Assert.Equal("false", await (await api.DeleteAsync($"/v1/kv/ab?cas={index + 1}")).Content.ReadAsStringAsync());
        Assert.Equal("true", await (await api.DeleteAsync($"/v1/kv/ab?cas={index}")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/v1/kv/ab")).StatusCode);
    }

    [Fact]
    public async Task Values_over_512_KiB_are_refused_with_413_and_nothing_is_written()
    {
        await using var api = await TestApi.StartAsync();

        using (var atLimit = await api.PutBytesAsync("/v1/kv/big", new byte[524288]))
        {
            Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        }

        var (status, body) = await TestApi.TextOf(await api.PutBytesAsync("/v1/kv/bigger", new byte[524289]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.StartsWith("Request body(524289 bytes) too large, max size: 524288 bytes", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/v1/kv/bigger")).StatusCode);
    }

    [Fact]
    public async Task Chunked_values_over_the_limit_are_refused_too()
    {
        await using var api = await TestApi.StartAsync();
        using var content = new StreamContent(new MemoryStream(new byte[600_000]));
        content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/kv/chunked") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var (status, body) = await TestApi.TextOf(await api.Client.SendAsync(request));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.StartsWith("Request body(600000 bytes) too large", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/kv/k?flags=x", "Invalid value for ?flags")]
    [InlineData("/v1/kv/k?cas=-1", "Invalid value for ?cas")]
    [InlineData("/v1/kv/k?cas=1&acquire=abc", "Conflicting flags: acquire=abc&cas=1")]
    [InlineData("/v1/kv/", "Missing key name")]
    [InlineData("/v1/kv/k?index=x", "Invalid index")]
    [InlineData("/v1/kv/k?wait=soon", "Invalid wait time")]
    [InlineData("/v1/kv/k?stale&consistent", "Cannot specify ?stale with ?consistent, conflicting semantics.")]
    public async Task Bad_writes_are_400_with_consuls_message(string path, string message)
    {
        await using var api = await TestApi.StartAsync();
        var (status, body) = await TestApi.TextOf(await api.PutAsync(path, "v"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(message, body, StringComparison.Ordinal);
        Assert.Empty((await api.GetJsonAsync("/v1/kv/?keys")).EnumerateArray());
    }

    [Theory]
    [InlineData("/v1/kv/")]
    [InlineData("/v1/kv/k?stale&consistent")]
    [InlineData("/v1/kv/k?index=1&wait=10")]
    [InlineData("/v1/kv/k?index=-3")]
    public async Task Bad_reads_are_400(string path)
    {
        await using var api = await TestApi.StartAsync();
        var (status, _) = await TestApi.TextOf(await api.GetAsync(path));
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Delete_rejects_recurse_with_cas()
    {
        await using var api = await TestApi.StartAsync();
        var (status, body) = await TestApi.TextOf(await api.DeleteAsync("/v1/kv/a?recurse&cas=1"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Conflicting flags:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_datacenter_is_unreachable_and_ours_matches_case_insensitively()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/k", "v")).Dispose();

        var (status, body) = await TestApi.TextOf(await api.GetAsync("/v1/kv/k?dc=dc2"));
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("No path to datacenter", body);
        var (writeStatus, _) = await TestApi.TextOf(await api.PutAsync("/v1/kv/k2?dc=elsewhere", "v"));
        Assert.Equal(HttpStatusCode.InternalServerError, writeStatus);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/v1/kv/k2")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/kv/k?dc=DC1")).StatusCode);
    }

    [Fact]
    public async Task Consistency_modes_are_reported()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/k", "v")).Dispose();

        using (var consistent = await api.GetAsync("/v1/kv/k?consistent"))
        {
            Assert.Equal("consistent", consistent.Headers.GetValues("X-Consul-Effective-Consistency").Single());
        }
        using (var leader = await api.GetAsync("/v1/kv/k"))
        {
            Assert.Equal("leader", leader.Headers.GetValues("X-Consul-Effective-Consistency").Single());
            Assert.Equal("true", leader.Headers.GetValues("X-Consul-KnownLeader").Single());
            Assert.Equal("0", leader.Headers.GetValues("X-Consul-LastContact").Single());
        }
        using var stale = await api.GetAsync("/v1/kv/k?stale");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("stale", stale.Headers.GetValues("X-Consul-Effective-Consistency").Single());
    }

    [Fact]
    public async Task Pretty_indents_like_go_with_a_trailing_newline()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/kv/k", "v")).Dispose();

        using var response = await api.GetAsync("/v1/kv/k?pretty");
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("[\n    {\n        \"LockIndex\": 0,\n        \"Key\": \"k\",", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.EndsWith("}\n]\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var compact = await (await api.GetAsync("/v1/kv/k")).Content.ReadAsStringAsync();
        Assert.DoesNotContain('\n', compact);
    }

    [Fact]
    public async Task Unknown_routes_under_v1_are_404()
    {
        await using var api = await TestApi.StartAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/v1/nothing/here")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await api.Client.PostAsync("/v1/kv/k", null)).StatusCode);
    }
}
