using Mesh.Server.Tests.Config;

namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh kv</c> against a real HTTP server answering Consul's JSON.</summary>
public sealed class KvCommandTests : IAsyncLifetime
{
    // Consul's answer for a key holding "value" (base64 "dmFsdWU=").
    private const string DevopsPair = """[{"LockIndex":0,"Key":"redis/config/devops","Flags":42,"Value":"dmFsdWU=","CreateIndex":14,"ModifyIndex":17}]""";

    private FakeConsulAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await FakeConsulAgent.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task GetPrintsTheRawValue()
    {
        _agent.On("GET", "/v1/kv/redis/config/devops", DevopsPair);

        var result = await _agent.RunCliAsync("kv", "get", "redis/config/devops");

        Assert.Equal(new CliResult(0, "value\n", ""), result);
        var request = _agent.Single("GET", "/v1/kv/redis/config/devops");
        Assert.Empty(request.Query);
    }

    [Fact]
    public async Task GetOfAMissingKeyFails()
    {
        var result = await _agent.RunCliAsync("kv", "get", "nope");

        Assert.Equal(new CliResult(1, "", "Error! No key exists at: nope\n"), result);
    }

    [Fact]
    public async Task GetStripsOneLeadingSlashAndPrintsANullValueAsEmpty()
    {
        _agent.On("GET", "/v1/kv/empty", """[{"LockIndex":0,"Key":"empty","Flags":0,"Value":null,"CreateIndex":5,"ModifyIndex":5}]""");

        var result = await _agent.RunCliAsync("kv", "get", "/empty");

        Assert.Equal(new CliResult(0, "\n", ""), result);
    }

    [Fact]
    public async Task RecurseWithoutPrefixListsEveryPair()
    {
        _agent.On("GET", "/v1/kv/", """
            [{"LockIndex":0,"Key":"a","Flags":0,"Value":"MQ==","CreateIndex":3,"ModifyIndex":3},
             {"LockIndex":0,"Key":"redis/config/devops","Flags":0,"Value":"dmFsdWU=","CreateIndex":4,"ModifyIndex":4}]
            """);

        var result = await _agent.RunCliAsync("kv", "get", "--recurse");

        Assert.Equal(new CliResult(0, "a:1\nredis/config/devops:value\n", ""), result);
        Assert.True(_agent.Single("GET", "/v1/kv/").Query.ContainsKey("recurse"));
    }

    [Theory]
    [InlineData("-recurse")]
    [InlineData("--recurse")]
    [InlineData("-recurse=true")]
    public async Task ABooleanFlagDoesNotSwallowThePrefix(string flag)
    {
        _agent.On("GET", "/v1/kv/foo", """[{"LockIndex":0,"Key":"foo/bar","Flags":0,"Value":"eA==","CreateIndex":3,"ModifyIndex":3}]""");

        var result = await _agent.RunCliAsync("kv", "get", flag, "foo");

        Assert.Equal(new CliResult(0, "foo/bar:x\n", ""), result);
        Assert.True(_agent.Single("GET", "/v1/kv/foo").Query.ContainsKey("recurse"));
    }

    [Fact]
    public async Task RecurseOverAnEmptyPrefixPrintsNothing()
    {
        var result = await _agent.RunCliAsync("kv", "get", "-recurse", "none");

        Assert.Equal(new CliResult(0, "", ""), result);
    }

    [Fact]
    public async Task DetailedPrintsConsulsFieldTable()
    {
        _agent.On("GET", "/v1/kv/redis/config/devops", DevopsPair);

        var result = await _agent.RunCliAsync("kv", "get", "-detailed", "redis/config/devops");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "CreateIndex      14\n" +
            "Flags            42\n" +
            "Key              redis/config/devops\n" +
            "LockIndex        0\n" +
            "ModifyIndex      17\n" +
            "Session          -\n" +
            "Value            value\n", result.Out);
    }

    [Fact]
    public async Task DetailedRecurseSeparatesPairsWithABlankLine()
    {
        _agent.On("GET", "/v1/kv/p", """
            [{"LockIndex":1,"Key":"p/a","Flags":0,"Value":"MQ==","Session":"adf4238a-882b-9ddc-4a9d-5b6758e4159e","CreateIndex":3,"ModifyIndex":3},
             {"LockIndex":0,"Key":"p/b","Flags":0,"Value":"Mg==","CreateIndex":4,"ModifyIndex":4}]
            """);

        var result = await _agent.RunCliAsync("kv", "get", "-recurse", "-detailed", "-base64", "p");

        Assert.Equal(
            "CreateIndex      3\nFlags            0\nKey              p/a\nLockIndex        1\nModifyIndex      3\n" +
            "Session          adf4238a-882b-9ddc-4a9d-5b6758e4159e\nValue            MQ==\n" +
            "\n" +
            "CreateIndex      4\nFlags            0\nKey              p/b\nLockIndex        0\nModifyIndex      4\n" +
            "Session          -\nValue            Mg==\n", result.Out);
    }

    [Fact]
    public async Task KeysListsKeysWithTheSeparator()
    {
        _agent.On("GET", "/v1/kv/web/", """["web/bar","web/subdir/"]""");

        var result = await _agent.RunCliAsync("kv", "get", "-keys", "-separator=/", "web/");

        Assert.Equal(new CliResult(0, "web/bar\nweb/subdir/\n", ""), result);
        var query = _agent.Single("GET", "/v1/kv/web/").Query;
        Assert.True(query.ContainsKey("keys"));
        Assert.Equal("/", query["separator"]);
    }

    [Fact]
    public async Task KeysWithRecurseListsEveryKeyWithoutValues()
    {
        _agent.On("GET", "/v1/kv/web", """[{"Key":"web/a","Value":"MQ==","CreateIndex":3,"ModifyIndex":3},{"Key":"web/b/c","Value":null,"CreateIndex":4,"ModifyIndex":4}]""");

        var result = await _agent.RunCliAsync("kv", "get", "-keys", "-recurse", "web");

        Assert.Equal(new CliResult(0, "web/a\nweb/b/c\n", ""), result);
    }

    [Fact]
    public async Task Base64EncodesTheValue()
    {
        _agent.On("GET", "/v1/kv/redis/config/devops", DevopsPair);

        var result = await _agent.RunCliAsync("kv", "get", "-base64", "redis/config/devops");

        Assert.Equal(new CliResult(0, "dmFsdWU=\n", ""), result);
    }

    [Fact]
    public async Task ServerErrorsAreReportedAsConsulDoes()
    {
        _agent.On("GET", "/v1/kv/k", "No path to datacenter\n", status: 500);

        var result = await _agent.RunCliAsync("kv", "get", "-datacenter=dc2", "-stale", "-token", "secret", "k");

        Assert.Equal(new CliResult(1, "", "Error querying Consul agent: Unexpected response code: 500 (No path to datacenter)\n"), result);
        var request = _agent.Single("GET", "/v1/kv/k");
        Assert.Equal("dc2", request.Query["dc"]);
        Assert.True(request.Query.ContainsKey("stale"));
        Assert.Equal("secret", request.Headers["X-Consul-Token"]);
    }

    [Fact]
    public async Task PutWritesTheValueAsTheBody()
    {
        _agent.On("PUT", "/v1/kv/redis/config/devops", "true");

        var result = await _agent.RunCliAsync("kv", "put", "redis/config/devops", "value");

        Assert.Equal(new CliResult(0, "Success! Data written to: redis/config/devops\n", ""), result);
        var request = _agent.Single("PUT", "/v1/kv/redis/config/devops");
        Assert.Equal("value", request.Body);
        Assert.Empty(request.Query);
    }

    [Fact]
    public async Task PutWithoutDataWritesAnEmptyValueAndSendsFlags()
    {
        _agent.On("PUT", "/v1/kv/webapp/beta/active", "true");

        var result = await _agent.RunCliAsync("kv", "put", "-flags=42", "webapp/beta/active");

        Assert.Equal(0, result.ExitCode);
        var request = _agent.Single("PUT", "/v1/kv/webapp/beta/active");
        Assert.Equal("", request.Body);
        Assert.Equal("42", request.Query["flags"]);
    }

    [Fact]
    public async Task PutReadsDashFromStdin()
    {
        _agent.On("PUT", "/v1/kv/license", "true");

        var result = await CliRunner.RunAsync(["kv", "put", "license", "-"], _agent.Environment, stdin: "abcd1234\n");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("abcd1234\n", _agent.Single("PUT", "/v1/kv/license").Body);
    }

    [Fact]
    public async Task PutReadsAtPathFromAFile()
    {
        _agent.On("PUT", "/v1/kv/license", "true");
        using var dir = new TempConfigDir();
        var path = dir.Write("license.lic", "from a file");

        var result = await _agent.RunCliAsync("kv", "put", "license", "@" + path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("from a file", _agent.Single("PUT", "/v1/kv/license").Body);
    }

    [Fact]
    public async Task PutOfAMissingFileFails()
    {
        var result = await _agent.RunCliAsync("kv", "put", "license", "@/nonexistent/license.lic");

        Assert.Equal(new CliResult(1, "", "Error! Failed to read file: open /nonexistent/license.lic: no such file or directory\n"), result);
    }

    [Fact]
    public async Task PutDecodesBase64Data()
    {
        _agent.On("PUT", "/v1/kv/k", "true");

        var result = await _agent.RunCliAsync("kv", "put", "-base64", "k", "dmFsdWU=");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("value", _agent.Single("PUT", "/v1/kv/k").Body);
    }

    [Fact]
    public async Task FlagsAfterTheKeyAreData()
    {
        _agent.On("PUT", "/v1/kv/k", "true");

        var result = await _agent.RunCliAsync("kv", "put", "k", "-flags=3");

        Assert.Equal(0, result.ExitCode);
        var request = _agent.Single("PUT", "/v1/kv/k");
        Assert.Equal("-flags=3", request.Body);
        Assert.Empty(request.Query);
    }

    [Fact]
    public async Task CasFailureIsReported()
    {
        _agent.On("PUT", "/v1/kv/k", "false");

        var result = await _agent.RunCliAsync("kv", "put", "-cas", "-modify-index=844", "k", "5");

        Assert.Equal(new CliResult(1, "", "Error! Did not write to k: CAS failed\n"), result);
        Assert.Equal("844", _agent.Single("PUT", "/v1/kv/k").Query["cas"]);
    }

    [Fact]
    public async Task CasSuccessIsAWrite()
    {
        _agent.On("PUT", "/v1/kv/k", "true");

        var result = await _agent.RunCliAsync("kv", "put", "-cas", "-modify-index", "844", "k", "5");

        Assert.Equal(new CliResult(0, "Success! Data written to: k\n", ""), result);
    }

    [Fact]
    public async Task AcquireSendsTheSession()
    {
        _agent.On("PUT", "/v1/kv/lock", "true");

        var result = await _agent.RunCliAsync("kv", "put", "-acquire", "-session=4ca8e74b", "lock", "me");

        Assert.Equal(new CliResult(0, "Success! Lock acquired on: lock\n", ""), result);
        Assert.Equal("4ca8e74b", _agent.Single("PUT", "/v1/kv/lock").Query["acquire"]);
    }

    [Fact]
    public async Task DeleteRemovesAKey()
    {
        _agent.On("DELETE", "/v1/kv/redis/config/devops", "true");

        var result = await _agent.RunCliAsync("kv", "delete", "redis/config/devops");

        Assert.Equal(new CliResult(0, "Success! Deleted key: redis/config/devops\n", ""), result);
        Assert.Empty(_agent.Single("DELETE", "/v1/kv/redis/config/devops").Query);
    }

    [Fact]
    public async Task DeleteRecurseRemovesAPrefix()
    {
        _agent.On("DELETE", "/v1/kv/redis", "true");

        var result = await _agent.RunCliAsync("kv", "delete", "-recurse", "redis");

        Assert.Equal(new CliResult(0, "Success! Deleted keys with prefix: redis\n", ""), result);
        Assert.True(_agent.Single("DELETE", "/v1/kv/redis").Query.ContainsKey("recurse"));
    }

    [Fact]
    public async Task DeleteCasFailureIsReported()
    {
        _agent.On("DELETE", "/v1/kv/k", "false");

        var result = await _agent.RunCliAsync("kv", "delete", "-cas", "-modify-index=7", "k");

        Assert.Equal(new CliResult(1, "", "Error! Did not delete key k: CAS failed\n"), result);
        Assert.Equal("7", _agent.Single("DELETE", "/v1/kv/k").Query["cas"]);
    }

    [Theory]
    [InlineData("Error! Missing KEY argument", "get")]
    [InlineData("Must specify -modify-index with -cas!", "put", "-cas", "k", "v")]
    [InlineData("Error! Missing KEY argument", "put")]
    [InlineData("Error! Too many arguments (expected 1 or 2, got 3)", "put", "a", "b", "c")]
    [InlineData("Error! Missing -session (required with -acquire and -release)", "put", "-acquire", "k")]
    [InlineData("Error! Missing KEY argument", "delete")]
    [InlineData("Cannot specify -modify-index without -cas!", "delete", "-modify-index=3", "k")]
    [InlineData("Cannot specify both -cas and -recurse!", "delete", "-cas", "-modify-index=3", "-recurse", "k")]
    [InlineData("Too many arguments (expected 1, got 2)", "delete", "a", "b")]
    public async Task UsageErrorsAreReportedBeforeAnyRequest(string message, params string[] args)
    {
        var result = await _agent.RunCliAsync(["kv", .. args]);

        Assert.Equal(new CliResult(1, "", message + "\n"), result);
        Assert.Empty(_agent.Requests);
    }

    [Fact]
    public async Task TheSeedWalkthroughRoundTrips()
    {
        _agent.On("PUT", "/v1/kv/redis/config/devops", "true")
            .On("GET", "/v1/kv/redis/config/devops", DevopsPair)
            .On("GET", "/v1/kv/", DevopsPair);

        var put = await _agent.RunCliAsync("kv", "put", "redis/config/devops", "value");
        var get = await _agent.RunCliAsync("kv", "get", "redis/config/devops");
        var recurse = await _agent.RunCliAsync("kv", "get", "--recurse");

        Assert.Equal("Success! Data written to: redis/config/devops\n", put.Out);
        Assert.Equal("value\n", get.Out);
        Assert.Equal("redis/config/devops:value\n", recurse.Out);
    }
}
