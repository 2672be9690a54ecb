using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class ClassifyTests
{
    private static readonly TimeSpan s_second = TimeSpan.FromSeconds(1);

    [Fact]
    public void EachKindIsRecognised()
    {
        Assert.Equal(CheckType.Http, CheckRunner.Classify(new CheckDefinition { HTTP = "http://127.0.0.1/", Interval = s_second }));
        Assert.Equal(CheckType.Tcp, CheckRunner.Classify(new CheckDefinition { TCP = "127.0.0.1:80", Interval = s_second }));
        Assert.Equal(CheckType.Grpc, CheckRunner.Classify(new CheckDefinition { GRPC = "127.0.0.1:80/svc", Interval = s_second }));
        Assert.Equal(CheckType.Script, CheckRunner.Classify(new CheckDefinition { Args = ["/bin/true"], Interval = s_second }));
        Assert.Equal(CheckType.Ttl, CheckRunner.Classify(new CheckDefinition { TTL = s_second }));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidDefinitionsSayWhy(CheckDefinition definition, string reason)
    {
        Assert.False(CheckRunner.TryClassify(definition, out _, out var error));
        Assert.Equal(reason, error);
        Assert.Equal(reason, Assert.Throws<ArgumentException>(() => CheckRunner.Classify(definition)).Message);
    }

    public static TheoryData<CheckDefinition, string> Invalid => new()
    {
        { new CheckDefinition { Name = "nothing" }, "TTL must be > 0 for TTL checks" },
        { new CheckDefinition { HTTP = "http://127.0.0.1/" }, "Interval must be > 0 for Script, HTTP, TCP or GRPC checks" },
        { new CheckDefinition { TCP = "127.0.0.1:1", Interval = s_second, TTL = s_second }, "Interval and TTL cannot both be specified" },
        {
            new CheckDefinition { HTTP = "http://127.0.0.1/", TCP = "127.0.0.1:1", Interval = s_second },
            "Only one of HTTP, TCP, GRPC or Args may be set, not HTTP and TCP"
        },
        { new CheckDefinition { TTL = s_second, OutputMaxSize = -1 }, "MaxOutputMaxSize must be positive" },
        {
            new CheckDefinition { TTL = s_second, FailuresBeforeWarning = 3, FailuresBeforeCritical = 2 },
            "FailuresBeforeWarning can't be higher than FailuresBeforeCritical"
        },
        { new CheckDefinition { TTL = s_second, Status = "maintenance" }, "Bad check status" },
    };

    [Fact]
    public async Task AddRefusesAnInvalidDefinition()
    {
        await using var runner = CheckRunnerFactory.Create(new RecordingNotifier());
        var error = Assert.Throws<ArgumentException>(() => runner.Add("bad", new CheckDefinition { Name = "bad" }));
        Assert.Equal("TTL must be > 0 for TTL checks", error.Message);
    }

    [Fact]
    public void StatusValidationAcceptsOnlyClientStatuses()
    {
        Assert.True(HealthStatus.IsValid("passing"));
        Assert.True(HealthStatus.IsValid("warning"));
        Assert.True(HealthStatus.IsValid("critical"));
        Assert.False(HealthStatus.IsValid("maintenance"));
        Assert.False(HealthStatus.IsValid("Passing"));
        Assert.False(HealthStatus.IsValid(null));
    }
}
