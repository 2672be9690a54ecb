using System.Text;
using Mesh.Server.Rpc;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Mesh.Server.Tests.Process;

namespace Mesh.Server.Tests.Rpc;

/// <summary>Agent RPC against a real server agent's server port: what a client agent will do for every request.</summary>
public sealed class AgentRpcTests : IAsyncLifetime
{
    private readonly ServerConnections _connections = new();
    private AgentProcess _server = null!;
    private RemoteState _remote = null!;

    public async Task InitializeAsync()
    {
        _server = await AgentProcess.StartAsync("-dev");
        _remote = new RemoteState(_connections, () => $"127.0.0.1:{_server.ServerPort}");
    }

    public async Task DisposeAsync()
    {
        _connections.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Forwarded_writes_and_reads_see_the_servers_state()
    {
        var write = await _remote.ApplyAsync(new KvSet("rpc/key", "over rpc"u8.ToArray(), Flags: 5));
        Assert.True(write.Succeeded);

        var read = await _remote.QueryAsync(new KvGetQuery("rpc/key"), QueryOptions.Now);
        Assert.Equal("over rpc", Encoding.UTF8.GetString(read.Value!.Value!));
        Assert.Equal(5ul, read.Value.Flags);
        Assert.Equal(write.Index, read.Index);
        // The server's own HTTP API shows the forwarded write.
        Assert.Equal("over rpc", await _server.Http.GetStringAsync("/v1/kv/rpc/key?raw"));

        var failedCas = await _remote.ApplyAsync(new KvSet("rpc/key", [1], Cas: 1));
        Assert.False(failedCas.Succeeded);
    }

    [Fact]
    public async Task A_forwarded_blocking_query_wakes_on_the_write()
    {
        var current = await _remote.QueryAsync(new KvListQuery("rpc/watch/"), QueryOptions.Now);
        var blocked = _remote.QueryAsync(new KvListQuery("rpc/watch/"), new QueryOptions(current.Index, TimeSpan.FromSeconds(30)));

        using (var put = await _server.Http.PutAsync("/v1/kv/rpc/watch/a", new StringContent("x")))
        {
            put.EnsureSuccessStatusCode();
        }

        var woken = await blocked.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("rpc/watch/a", Assert.Single(woken.Value).Key);
        Assert.True(woken.Index > current.Index);
    }

    [Fact]
    public async Task A_forwarded_call_cancelled_by_its_caller_is_an_operation_cancelled()
    {
        var current = await _remote.QueryAsync(new KvListQuery("rpc/cancel/"), QueryOptions.Now);
        using var cancel = new CancellationTokenSource();
        var blocked = _remote.QueryAsync(new KvListQuery("rpc/cancel/"), new QueryOptions(current.Index, TimeSpan.FromSeconds(30)), cancel.Token);

        await cancel.CancelAsync();

        // Not an RpcException: callers that stop on cancellation (leader duties, anti-entropy) must see it as such.
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Fact]
    public async Task The_CA_private_key_is_never_served_over_rpc()
    {
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            _remote.QueryAsync(new Mesh.Server.State.ConnectCa.ConnectCaQuery(WithPrivateKeys: true), QueryOptions.Now));

        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_error()
    {
        var nowhere = new RemoteState(_connections, () => $"127.0.0.1:{MeshProcess.FreeTcpPort()}");

        var error = await Assert.ThrowsAsync<NoServerException>(() => nowhere.ApplyAsync(new KvSet("k", null)));
        Assert.StartsWith("rpc error:", error.Message);
        await Assert.ThrowsAsync<NoServerException>(() => new RemoteState(_connections, () => null).ApplyAsync(new KvSet("k", null)));
    }
}
