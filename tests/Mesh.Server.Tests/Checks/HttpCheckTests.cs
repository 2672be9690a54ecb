using System.Net;
using System.Net.Sockets;
using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class HttpCheckTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Status2xxIsPassingWithConsulsOutput()
    {
        await using var target = await HttpTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("web", new CheckDefinition { HTTP = $"{target.BaseUrl}/ok", Interval = s_interval });

        var update = await notifier.WaitForAsync("web", _ => true);
        Assert.Equal(new CheckUpdate("web", HealthStatus.Passing, $"HTTP GET {target.BaseUrl}/ok: 200 OK Output: fine"), update);
    }

    [Fact]
    public async Task Status429IsWarning()
    {
        await using var target = await HttpTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("web", new CheckDefinition { HTTP = $"{target.BaseUrl}/busy", Interval = s_interval, Status = HealthStatus.Passing });

        var update = await notifier.WaitForAsync("web", _ => true);
        Assert.Equal(HealthStatus.Warning, update.Status);
        Assert.Equal($"HTTP GET {target.BaseUrl}/busy: 429 Too Many Requests Output: slow down", update.Output);
    }

    [Fact]
    public async Task Status500IsCritical()
    {
        await using var target = await HttpTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("web", new CheckDefinition { HTTP = $"{target.BaseUrl}/fail", Interval = s_interval, Status = HealthStatus.Passing });

        var update = await notifier.WaitForAsync("web", _ => true);
        Assert.Equal(HealthStatus.Critical, update.Status);
        Assert.Equal($"HTTP GET {target.BaseUrl}/fail: 500 Internal Server Error Output: boom", update.Output);
    }

    [Fact]
    public async Task AnswerSlowerThanTheTimeoutIsCritical()
    {
        await using var target = await HttpTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("web", new CheckDefinition
        {
            HTTP = $"{target.BaseUrl}/slow", Interval = s_interval, Timeout = TimeSpan.FromMilliseconds(300), Status = HealthStatus.Passing,
        });

        var update = await notifier.WaitForAsync("web", _ => true);
        Assert.Equal(HealthStatus.Critical, update.Status);
        Assert.Equal(
            $"Get \"{target.BaseUrl}/slow\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", update.Output);
    }

    [Fact]
    public async Task RefusedConnectionIsCritical()
    {
        var port = ClosedPort();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("web", new CheckDefinition { HTTP = $"http://127.0.0.1:{port}/", Interval = s_interval, Status = HealthStatus.Passing });

        var update = await notifier.WaitForAsync("web", _ => true);
        Assert.Equal(HealthStatus.Critical, update.Status);
        Assert.Equal($"Get \"http://127.0.0.1:{port}/\": dial tcp 127.0.0.1:{port}: connect: connection refused", update.Output);
    }

    [Fact]
    public async Task MethodHeadersAndBodyAreSent()
    {
        await using var target = await HttpTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("posted", new CheckDefinition
        {
            HTTP = $"{target.BaseUrl}/echo",
            Method = "POST",
            Header = new() { ["X-Probe"] = ["one"], ["Host"] = ["svc.example"] },
            Body = "{\"ping\":1}",
            Interval = s_interval,
        });
        runner.Add("plain", new CheckDefinition { HTTP = $"{target.BaseUrl}/echo", Interval = s_interval });

        var posted = await notifier.WaitForAsync("posted", _ => true);
        Assert.Equal($"HTTP POST {target.BaseUrl}/echo: 200 OK Output: POST|one|Consul Health Check|text/plain, text/*, */*|svc.example|{{\"ping\":1}}", posted.Output);
        var plain = await notifier.WaitForAsync("plain", _ => true);
        Assert.StartsWith($"HTTP GET {target.BaseUrl}/echo: 200 OK Output: GET||Consul Health Check|", plain.Output);
    }

    [Fact]
    public async Task OutputKeepsTheLastOutputMaxSizeBytesOfTheBody()
    {
        await using var target = await HttpTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("big", new CheckDefinition { HTTP = $"{target.BaseUrl}/big", Interval = s_interval, OutputMaxSize = 10 });
        runner.Add("default", new CheckDefinition { HTTP = $"{target.BaseUrl}/big", Interval = s_interval });

        var small = await notifier.WaitForAsync("big", _ => true);
        Assert.Equal($"HTTP GET {target.BaseUrl}/big: 200 OK Output: xxxxxxxEND", small.Output);
        var full = await notifier.WaitForAsync("default", _ => true);
        Assert.EndsWith(" Output: " + new string('x', 4093) + "END", full.Output);
    }

    [Fact]
    public async Task UnchangedResultsAreNotifiedOnce()
    {
        await using var target = await HttpTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("web", new CheckDefinition { HTTP = $"{target.BaseUrl}/ok", Interval = s_interval });
        await notifier.WaitForStatusAsync("web", HealthStatus.Passing);
        await Eventually.TrueAsync(() => target.OkRequests >= 3, "three runs of the check");

        Assert.Single(notifier.For("web"));
    }

    internal static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
