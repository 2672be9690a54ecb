using System.Net;
using System.Net.Sockets;
using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class TcpCheckTests
{
    [Fact]
    public async Task OpenPortIsPassing()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var address = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            var notifier = new RecordingNotifier();
            await using var runner = CheckRunnerFactory.Create(notifier);

            runner.Add("tcp", new CheckDefinition { TCP = address, Interval = TimeSpan.FromSeconds(1) });

            var update = await notifier.WaitForAsync("tcp", _ => true);
            Assert.Equal(new CheckUpdate("tcp", HealthStatus.Passing, $"TCP connect {address}: Success"), update);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task ClosedPortIsCritical()
    {
        var address = $"127.0.0.1:{HttpCheckTests.ClosedPort()}";
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("tcp", new CheckDefinition { TCP = address, Interval = TimeSpan.FromSeconds(1), Status = HealthStatus.Passing });

        var update = await notifier.WaitForAsync("tcp", _ => true);
        Assert.Equal(new CheckUpdate("tcp", HealthStatus.Critical, $"dial tcp {address}: connect: connection refused"), update);
    }

    [Fact]
    public async Task AddressWithoutPortIsCritical()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("tcp", new CheckDefinition { TCP = "127.0.0.1", Interval = TimeSpan.FromSeconds(1) });

        var update = await notifier.WaitForAsync("tcp", _ => true);
        Assert.Equal(new CheckUpdate("tcp", HealthStatus.Critical, "dial tcp: address 127.0.0.1: missing port in address"), update);
    }
}
