using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Mesh.Server.Tests.Http;

/// <summary>/v1/session and KV locks against a whole dev agent on a real socket.</summary>
public sealed class SessionEndpointTests : IAsyncLifetime
{
    private DevAgent _agent = null!;

    private HttpClient Api => _agent.Http;

    public async Task InitializeAsync() => _agent = await DevAgent.StartAsync("dev1");

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private async Task<string> CreateAsync(string body = "")
    {
        using var response = await Api.PutAsync("/v1/session/create", new StringContent(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("ID").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> PutAsync(string path, string body = "")
    {
        using var response = await Api.PutAsync(path, new StringContent(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement?> KeyAsync(string key)
    {
        using var response = await Api.GetAsync("/v1/kv/" + key);
        return response.StatusCode == HttpStatusCode.NotFound ? null : (await response.Content.ReadFromJsonAsync<JsonElement>())[0];
    }

    private static string? SessionOf(JsonElement? entry) => entry?.TryGetProperty("Session", out var session) == true ? session.GetString() : null;

    private async Task<int> SessionCountAsync() => (await Api.GetFromJsonAsync<JsonElement>("/v1/session/list")).GetArrayLength();

    [Fact]
    public async Task Create_defaults_to_the_agents_node_its_serf_check_and_a_15s_lock_delay()
    {
        var id = await CreateAsync();
        var info = (await Api.GetFromJsonAsync<JsonElement>($"/v1/session/info/{id}"))[0];
        Assert.Equal("dev1", info.GetProperty("Node").GetString());
        Assert.Equal(15_000_000_000, info.GetProperty("LockDelay").GetInt64());
        Assert.Equal("release", info.GetProperty("Behavior").GetString());
        Assert.Equal("serfHealth", info.GetProperty("NodeChecks")[0].GetString());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("ServiceChecks").ValueKind);
        var onNode = await Api.GetFromJsonAsync<JsonElement>("/v1/session/node/dev1");
        Assert.Equal(id, onNode[0].GetProperty("ID").GetString());
        Assert.Equal("[]", await Api.GetStringAsync("/v1/session/info/00000000-0000-0000-0000-000000000000"));
    }

    [Fact]
    public async Task Bad_sessions_are_refused_with_consuls_answers()
    {
        Assert.Equal((HttpStatusCode.InternalServerError, "Invalid Session TTL '5000000000', must be between [10s=24h0m0s]"),
            await PutAsync("/v1/session/create", """{"TTL":"5s"}"""));
        Assert.Equal((HttpStatusCode.InternalServerError, "Invalid Session TTL '90000000000000', must be between [10s=24h0m0s]"),
            await PutAsync("/v1/session/create", """{"TTL":"25h"}"""));
        Assert.Equal((HttpStatusCode.InternalServerError, "Invalid Behavior setting 'keep'"),
            await PutAsync("/v1/session/create", """{"Behavior":"keep"}"""));
        Assert.Equal((HttpStatusCode.InternalServerError, "Missing check 'nope' registration"),
            await PutAsync("/v1/session/create", """{"NodeChecks":["nope"]}"""));
        Assert.Equal((HttpStatusCode.InternalServerError, "Missing node registration"),
            await PutAsync("/v1/session/create", """{"Node":"ghost"}"""));
        Assert.Equal((HttpStatusCode.NotFound, "Session id 'ghost' not found"), await PutAsync("/v1/session/renew/ghost"));
        Assert.Equal((HttpStatusCode.InternalServerError, "invalid session \"ghost\""), await PutAsync("/v1/kv/k?acquire=ghost"));
        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync("/v1/kv/k?acquire=a&release=a")).Status);
        Assert.Equal(0, await SessionCountAsync());
    }

    [Fact]
    public async Task A_critical_check_refuses_a_session_and_invalidates_one_that_follows_it()
    {
        (await Api.PutAsync("/v1/agent/service/register", new StringContent("""{"Name":"web","Check":{"TTL":"60s"}}"""))).Dispose();
        Assert.Equal((HttpStatusCode.InternalServerError, "Check 'service:web' is in critical state"),
            await PutAsync("/v1/session/create", """{"ServiceChecks":[{"ID":"service:web"}]}"""));

        (await Api.PutAsync("/v1/agent/check/pass/service:web", null)).Dispose();
        var id = await CreateAsync("""{"ServiceChecks":[{"ID":"service:web"}],"LockDelay":"0s"}""");
        Assert.Equal((HttpStatusCode.OK, "true"), await PutAsync($"/v1/kv/leader?acquire={id}", "me"));

        (await Api.PutAsync("/v1/agent/check/fail/service:web", null)).Dispose();

        await Eventually.TrueAsync(async () => SessionOf(await KeyAsync("leader")) is null, "the lock to be released");
        Assert.Equal("[]", await Api.GetStringAsync($"/v1/session/info/{id}"));
        Assert.Equal(1, (await KeyAsync("leader"))!.Value.GetProperty("LockIndex").GetInt32());
    }

    [Fact]
    public async Task Acquire_and_release_follow_consuls_lock_semantics()
    {
        var a = await CreateAsync();
        var b = await CreateAsync();

        Assert.Equal((HttpStatusCode.OK, "true"), await PutAsync($"/v1/kv/k?acquire={a}&flags=5", "one"));
        Assert.Equal((HttpStatusCode.OK, "true"), await PutAsync($"/v1/kv/k?acquire={a}", "two"));
        var held = (await KeyAsync("k"))!.Value;
        Assert.Equal((a, 1, "two"), (SessionOf(held), held.GetProperty("LockIndex").GetInt32(), Encoding.UTF8.GetString(held.GetProperty("Value").GetBytesFromBase64())));

        Assert.Equal((HttpStatusCode.OK, "false"), await PutAsync($"/v1/kv/k?acquire={b}", "three"));
        Assert.Equal((HttpStatusCode.OK, "false"), await PutAsync($"/v1/kv/k?release={b}"));
        Assert.Equal((HttpStatusCode.OK, "true"), await PutAsync($"/v1/kv/k?release={a}", "released"));
        Assert.Null(SessionOf(await KeyAsync("k")));

        // A release is not an invalidation: no lock delay.
        Assert.Equal((HttpStatusCode.OK, "true"), await PutAsync($"/v1/kv/k?acquire={b}"));
        Assert.Equal(2, (await KeyAsync("k"))!.Value.GetProperty("LockIndex").GetInt32());
    }

    [Fact]
    public async Task An_invalidated_lock_stays_unacquirable_for_the_lock_delay()
    {
        var holder = await CreateAsync("""{"LockDelay":"2s"}""");
        var waiter = await CreateAsync();
        Assert.Equal("true", (await PutAsync($"/v1/kv/k?acquire={holder}")).Body);

        Assert.Equal("true", (await PutAsync($"/v1/session/destroy/{holder}")).Body);

        Assert.Null(SessionOf(await KeyAsync("k")));
        Assert.Equal("false", (await PutAsync($"/v1/kv/k?acquire={waiter}")).Body);
        await Eventually.TrueAsync(async () => (await PutAsync($"/v1/kv/k?acquire={waiter}")).Body == "true", "the lock delay to pass");
    }

    [Fact]
    public async Task Delete_behavior_deletes_the_held_keys()
    {
        var id = await CreateAsync("""{"Behavior":"delete","LockDelay":0}""");
        Assert.Equal("true", (await PutAsync($"/v1/kv/svc/leader?acquire={id}")).Body);
        await PutAsync("/v1/kv/svc/other", "x");

        await PutAsync($"/v1/session/destroy/{id}");

        Assert.Null(await KeyAsync("svc/leader"));
        Assert.NotNull(await KeyAsync("svc/other"));
    }

    [Fact]
    public async Task An_unrenewed_ttl_session_expires_after_twice_its_ttl_and_releases_its_lock()
    {
        var id = await CreateAsync("""{"TTL":"10s","LockDelay":0}""");
        var started = DateTime.UtcNow;
        Assert.Equal("true", (await PutAsync($"/v1/kv/ttl?acquire={id}")).Body);

        await Eventually.TrueAsync(async () => SessionOf(await KeyAsync("ttl")) is null, "the TTL to expire", TimeSpan.FromSeconds(40));

        // Consul's grace: never before twice the TTL.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(19), $"expired after {DateTime.UtcNow - started}");
        Assert.Equal("[]", await Api.GetStringAsync($"/v1/session/info/{id}"));
    }

    [Fact]
    public async Task Renewing_keeps_a_ttl_session_alive()
    {
        var id = await CreateAsync("""{"TTL":"10s"}""");
        var renewed = await Api.PutAsync($"/v1/session/renew/{id}", null);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(id, (await renewed.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("ID").GetString());
    }

    [Fact]
    public async Task A_blocking_list_wakes_when_a_session_is_created()
    {
        using var first = await Api.GetAsync("/v1/session/list");
        var index = first.Headers.GetValues("X-Consul-Index").Single();
        var blocked = Api.GetAsync($"/v1/session/list?index={index}&wait=30s");
        var id = await CreateAsync();
        using var woken = await blocked;
        Assert.NotEqual(index, woken.Headers.GetValues("X-Consul-Index").Single());
        Assert.Equal(id, (await woken.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("ID").GetString());
    }
}
