using Grpc.Health.V1;
using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class GrpcCheckTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ServingServerIsPassing()
    {
        await using var target = await GrpcTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("grpc", new CheckDefinition { GRPC = target.Address, Interval = s_interval });

        var update = await notifier.WaitForAsync("grpc", _ => true);
        Assert.Equal(new CheckUpdate("grpc", HealthStatus.Passing, $"gRPC check {target.Address}: success"), update);
    }

    [Fact]
    public async Task ServiceStatusIsFollowed()
    {
        await using var target = await GrpcTarget.StartAsync();
        target.Health.SetStatus("orders", HealthCheckResponse.Types.ServingStatus.NotServing);
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("grpc", new CheckDefinition { GRPC = $"{target.Address}/orders", Interval = s_interval, Status = HealthStatus.Passing });

        var down = await notifier.WaitForAsync("grpc", _ => true);
        Assert.Equal(new CheckUpdate("grpc", HealthStatus.Critical, $"gRPC {target.Address}/orders serving status: NOT_SERVING"), down);

        target.Health.SetStatus("orders", HealthCheckResponse.Types.ServingStatus.Serving);
        var up = await notifier.WaitForStatusAsync("grpc", HealthStatus.Passing);
        Assert.Equal($"gRPC check {target.Address}/orders: success", up.Output);
    }

    [Fact]
    public async Task UnknownServiceIsCritical()
    {
        await using var target = await GrpcTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("grpc", new CheckDefinition { GRPC = $"{target.Address}/nope", Interval = s_interval, Status = HealthStatus.Passing });

        var update = await notifier.WaitForAsync("grpc", _ => true);
        Assert.Equal(HealthStatus.Critical, update.Status);
        Assert.StartsWith("rpc error: code = NotFound desc = ", update.Output);
    }

    [Fact]
    public async Task UnreachableServerIsCritical()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("grpc", new CheckDefinition
        {
            GRPC = $"127.0.0.1:{HttpCheckTests.ClosedPort()}", Interval = s_interval, Status = HealthStatus.Passing,
        });

        var update = await notifier.WaitForAsync("grpc", _ => true);
        Assert.Equal(HealthStatus.Critical, update.Status);
        Assert.StartsWith("rpc error: code = Unavailable desc = ", update.Output);
    }
}
