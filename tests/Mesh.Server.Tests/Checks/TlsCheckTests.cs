using System.Security.Cryptography.X509Certificates;
using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class TlsCheckTests : IDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly X509Certificate2 _certificate = SelfSignedCertificate.Create();

    public void Dispose() => _certificate.Dispose();

    [Fact]
    public async Task HttpsNeedsTlsSkipVerifyForAnUntrustedCertificate()
    {
        await using var target = await HttpTarget.StartAsync(_certificate);
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);
        var url = $"{target.BaseUrl}/ok";
        Assert.StartsWith("https://", url);

        runner.Add("verified", new CheckDefinition { HTTP = url, Interval = s_interval, Status = HealthStatus.Passing });
        runner.Add("skipped", new CheckDefinition { HTTP = url, Interval = s_interval, TLSSkipVerify = true });

        var verified = await notifier.WaitForAsync("verified", _ => true);
        Assert.Equal(HealthStatus.Critical, verified.Status);
        Assert.StartsWith($"Get \"{url}\": ", verified.Output);
        Assert.Equal(
            new CheckUpdate("skipped", HealthStatus.Passing, $"HTTP GET {url}: 200 OK Output: fine"),
            await notifier.WaitForAsync("skipped", _ => true));
    }

    [Fact]
    public async Task GrpcOverTls()
    {
        await using var target = await GrpcTarget.StartAsync(_certificate);
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("plain", new CheckDefinition { GRPC = target.Address, Interval = s_interval, Status = HealthStatus.Passing });
        runner.Add("tls", new CheckDefinition { GRPC = target.Address, GRPCUseTLS = true, TLSSkipVerify = true, Interval = s_interval });

        Assert.Equal(
            new CheckUpdate("tls", HealthStatus.Passing, $"gRPC check {target.Address}: success"),
            await notifier.WaitForAsync("tls", _ => true));
        var plain = await notifier.WaitForAsync("plain", _ => true);
        Assert.Equal(HealthStatus.Critical, plain.Status);
        Assert.StartsWith("rpc error: code = ", plain.Output);
    }
}
