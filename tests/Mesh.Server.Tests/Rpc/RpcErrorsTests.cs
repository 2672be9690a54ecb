using Grpc.Core;
using Mesh.Server.Cluster;
using Mesh.Server.Rpc;
using Mesh.Server.State;

namespace Mesh.Server.Tests.Rpc;

/// <summary>Which failed forwards prove that a write was not applied, so that it may be sent again.</summary>
public sealed class RpcErrorsTests
{
    [Fact]
    public async Task A_refused_connection_carried_nothing()
    {
        using var connections = new ServerConnections();
        var port = Process.MeshProcess.FreeTcpPort();
        var remote = new RemoteState(connections, () => $"127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<NoServerException>(() => remote.ApplyAsync(new KvSet("k", [1])));

        Assert.True(error.Undelivered, error.Message);
    }

    [Fact]
    public async Task A_server_without_a_leader_applied_nothing()
    {
        var error = await Assert.ThrowsAsync<NoServerException>(() =>
            RpcErrors.Translate(Task.FromException<int>(new RpcException(new Status(StatusCode.Unavailable, ServerConsensus.NoLeader))), CancellationToken.None));

        Assert.True(error.Undelivered);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, "Error reading next message. IOException: The request stream was aborted.")]
    [InlineData(StatusCode.DeadlineExceeded, "Deadline Exceeded")]
    public async Task A_lost_answer_leaves_the_outcome_unknown(StatusCode code, string detail)
    {
        var error = await Assert.ThrowsAsync<NoServerException>(() =>
            RpcErrors.Translate(Task.FromException<int>(new RpcException(new Status(code, detail))), CancellationToken.None));

        Assert.False(error.Undelivered);
    }
}
