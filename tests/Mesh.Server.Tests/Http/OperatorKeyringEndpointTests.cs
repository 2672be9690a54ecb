using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Server.Tests.Process;

namespace Mesh.Server.Tests.Http;

/// <summary>/v1/operator/keyring on real agent processes started with -encrypt, and `mesh keyring` against them.</summary>
public sealed class OperatorKeyringEndpointTests : IDisposable
{
    private static readonly string Key1 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private static readonly string Key2 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(100 + i)).ToArray());
    private readonly List<DirectoryInfo> _dataDirs = [];

    public void Dispose() => _dataDirs.ForEach(d => d.Delete(recursive: true));

    private static Task<HttpResponseMessage> SendAsync(AgentProcess agent, HttpMethod method, string body, string query = "") =>
        agent.Http.SendAsync(new HttpRequestMessage(method, "/v1/operator/keyring" + query) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

    private static Task<HttpResponseMessage> KeyAsync(AgentProcess agent, HttpMethod method, string key) =>
        SendAsync(agent, method, $$"""{"Key":"{{key}}"}""");

    private static async Task<(HttpStatusCode Status, string Body)> TextAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_single_agent_lists_installs_uses_and_removes_keys_with_Consuls_answers()
    {
        await using var agent = await AgentProcess.StartAsync("-dev", "-node=node1", $"-encrypt={Key1}");

        var initial = await TextAsync(agent.Http.GetAsync("/v1/operator/keyring"));
        var install = await TextAsync(KeyAsync(agent, HttpMethod.Post, Key2));
        var both = await agent.Http.GetFromJsonAsync<JsonElement>("/v1/operator/keyring");
        var use = await TextAsync(KeyAsync(agent, HttpMethod.Put, Key2));
        var removePrimary = await TextAsync(KeyAsync(agent, HttpMethod.Delete, Key2));
        var removeOld = await TextAsync(KeyAsync(agent, HttpMethod.Delete, Key1));
        var final = await TextAsync(agent.Http.GetAsync("/v1/operator/keyring?pretty"));

        Assert.Equal((HttpStatusCode.OK, $$"""[{"WAN":false,"Datacenter":"dc1","Segment":"","Keys":{"{{Key1}}":1},"PrimaryKeys":{"{{Key1}}":1},"NumNodes":1}]"""), initial);
        Assert.Equal((HttpStatusCode.OK, ""), install);
        Assert.Equal(2, both[0].GetProperty("Keys").EnumerateObject().Count());
        Assert.Equal((HttpStatusCode.OK, ""), use);
        Assert.Equal((HttpStatusCode.InternalServerError,
            "2 errors occurred:\n\t* dc1 (LAN) error: 1/1 nodes reported failure\n\t* node1: Removing the primary key is not allowed\n\n"), removePrimary);
        Assert.Equal((HttpStatusCode.OK, ""), removeOld);
        Assert.Equal(HttpStatusCode.OK, final.Status);
        Assert.Equal($$"""
            [
                {
                    "WAN": false,
                    "Datacenter": "dc1",
                    "Segment": "",
                    "Keys": {
                        "{{Key2}}": 1
                    },
                    "PrimaryKeys": {
                        "{{Key2}}": 1
                    },
                    "NumNodes": 1
                }
            ]

            """, final.Body);

        var cli = await agent.CliAsync("keyring", "-list");
        Assert.Equal(new CliResult(0, $"==> Gathering installed encryption keys...\n\ndc1 (LAN):\n  {Key2} [1/1]\n", ""), cli);
        var refused = await agent.CliAsync("keyring", "-remove", Key2);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("==> Removing gossip encryption key...\n", refused.Stdout);
        Assert.Equal("error: Unexpected response code: 500 (2 errors occurred:\n\t* dc1 (LAN) error: 1/1 nodes reported failure\n\t* node1: Removing the primary key is not allowed)\n", refused.Stderr);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_Consuls_messages()
    {
        await using var agent = await AgentProcess.StartAsync("-dev", "-node=node1", $"-encrypt={Key1}");

        var notJson = await TextAsync(SendAsync(agent, HttpMethod.Post, "{"));
        var notAKey = await TextAsync(KeyAsync(agent, HttpMethod.Post, "abc"));
        var relayTooHigh = await TextAsync(agent.Http.GetAsync("/v1/operator/keyring?relay-factor=9"));
        var relayNotANumber = await TextAsync(agent.Http.GetAsync("/v1/operator/keyring?relay-factor=x"));
        var localOnlyWrite = await TextAsync(SendAsync(agent, HttpMethod.Put, $$"""{"Key":"{{Key1}}"}""", "?local-only=true"));
        var localOnlyList = await TextAsync(agent.Http.GetAsync("/v1/operator/keyring?local-only=true&relay-factor=2"));

        Assert.Equal(HttpStatusCode.BadRequest, notJson.Status);
        Assert.StartsWith("Request decode failed: ", notJson.Body);
        Assert.Equal((HttpStatusCode.InternalServerError, "1 error occurred:\n\t* dc1 (LAN) error: the encryption key is not valid base64\n\n"), notAKey);
        Assert.Equal((HttpStatusCode.BadRequest, "Invalid relay-factor: Relay factor must be in range: [0, 5]"), relayTooHigh);
        Assert.Equal((HttpStatusCode.BadRequest, "Error parsing relay factor: strconv.Atoi: parsing \"x\": invalid syntax"), relayNotANumber);
        Assert.Equal((HttpStatusCode.BadRequest, "Invalid use of local-only: local-only can only be set for list requests"), localOnlyWrite);
        Assert.Equal(HttpStatusCode.OK, localOnlyList.Status);
    }

    [Fact]
    public async Task Without_encryption_the_agent_answers_Consuls_error()
    {
        await using var agent = await AgentProcess.StartAsync("-dev", "-node=node1");

        var list = await TextAsync(agent.Http.GetAsync("/v1/operator/keyring"));
        var install = await TextAsync(KeyAsync(agent, HttpMethod.Post, Key2));

        Assert.Equal((HttpStatusCode.InternalServerError,
            "2 errors occurred:\n\t* dc1 (LAN) error: 1/1 nodes reported failure\n\t* node1: Keyring is empty (encryption not enabled)\n\n"), list);
        Assert.Equal((HttpStatusCode.InternalServerError,
            "2 errors occurred:\n\t* dc1 (LAN) error: 1/1 nodes reported failure\n\t* node1: No keyring to modify (encryption not enabled)\n\n"), install);
    }

    [Fact]
    public async Task A_rotation_through_a_client_agent_reaches_the_server_and_survives_the_clients_restart()
    {
        await using var server = await AgentProcess.StartAsync("-dev", "-node=server1", $"-encrypt={Key1}");
        var dataDir = Directory.CreateTempSubdirectory("mesh-client-");
        _dataDirs.Add(dataDir);
        string[] clientArgs = ["-node=client1", "-bind=127.0.0.1", $"-data-dir={dataDir.FullName}", $"-retry-join={server.SerfAddress}", $"-encrypt={Key1}"];
        var client = await AgentProcess.StartAsync(clientArgs);
        try
        {
            await Eventually.TrueAsync(() => MembersAlive(server) == 2, "the client to join the server", TimeSpan.FromSeconds(20));

            Assert.Equal(0, (await client.CliAsync("keyring", "-install", Key2)).ExitCode);
            Assert.Equal(0, (await client.CliAsync("keyring", "-use", Key2)).ExitCode);
            Assert.Equal(0, (await client.CliAsync("keyring", "-remove", Key1)).ExitCode);
            var listed = await server.CliAsync("keyring", "-list");
            var primary = await server.CliAsync("keyring", "-list-primary");

            Assert.Equal(new CliResult(0, $"==> Gathering installed encryption keys...\n\ndc1 (LAN):\n  {Key2} [2/2]\n", ""), listed);
            Assert.Equal(new CliResult(0, $"==> Gathering installed primary encryption keys...\n\ndc1 (LAN):\n  {Key2} [2/2]\n", ""), primary);
            Assert.Equal($"[\"{Key2}\"]", await File.ReadAllTextAsync(Path.Combine(dataDir.FullName, "serf", "local.keyring")));
        }
        finally
        {
            await client.KillAsync();
            await client.DisposeAsync();
        }

        // Restarted with its original -encrypt (a key the pool no longer has), the client rejoins from its keyring file.
        await using var restarted = await AgentProcess.StartAsync(client.Ports, clientArgs);
        await Eventually.TrueAsync(() => MemberStatus(server, "client1") == 1, "the restarted client to be alive again", TimeSpan.FromSeconds(30));
        var afterRestart = await server.CliAsync("keyring", "-list");
        Assert.Contains($"  {Key2} [2/2]\n", afterRestart.Stdout);
        Assert.Contains($"  {Key1} [1/2]", afterRestart.Stdout);
    }

    private static int MembersAlive(AgentProcess agent) =>
        Members(agent).Count(member => member.GetProperty("Status").GetInt32() == 1);

    private static int MemberStatus(AgentProcess agent, string name) =>
        Members(agent).FirstOrDefault(member => member.GetProperty("Name").GetString() == name) is { ValueKind: JsonValueKind.Object } found
            ? found.GetProperty("Status").GetInt32()
            : 0;

    private static List<JsonElement> Members(AgentProcess agent) =>
        [.. agent.Http.GetFromJsonAsync<JsonElement>("/v1/agent/members").GetAwaiter().GetResult().EnumerateArray()];
}
