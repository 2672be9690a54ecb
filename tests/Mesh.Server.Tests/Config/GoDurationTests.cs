using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("1s", 1_000_000_000L)]
    [InlineData("1m30s", 90_000_000_000L)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("72h", 259_200_000_000_000L)]
    [InlineData("1.5h", 5_400_000_000_000L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1h2m3s4ms5us600ns", 3_723_004_005_600L)]
    [InlineData("3µs", 3_000L)]
    [InlineData("3μs", 3_000L)]
    [InlineData("-2m", -120_000_000_000L)]
    [InlineData("+2m", 120_000_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    public void Parses_go_duration_strings(string text, long nanoseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromTicks(nanoseconds / 100), value);
    }

    [Theory]
    [InlineData("", "invalid duration \"\"")]
    [InlineData("10", "missing unit in duration \"10\" (use ns, us, ms, s, m or h)")]
    [InlineData("1d", "unknown unit \"d\" in duration \"1d\" (use ns, us, ms, s, m or h)")]
    [InlineData("s", "invalid duration \"s\"")]
    [InlineData("1.2.3s", "invalid duration \"1.2.3s\"")]
    [InlineData("1 s", "unknown unit \" s\" in duration \"1 s\" (use ns, us, ms, s, m or h)")]
    [InlineData("9999999999h", "duration \"9999999999h\" is too long")]
    public void Rejects_what_go_rejects(string text, string message)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1_000_000_000L, "1s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(500_000_000L, "500ms")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(259_200_000_000_000L, "72h0m0s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(2_500L, "2.5µs")]
    [InlineData(100L, "100ns")]
    [InlineData(-120_000_000_000L, "-2m0s")]
    public void Formats_like_go(long nanoseconds, string text)
    {
        Assert.Equal(text, GoDuration.Format(TimeSpan.FromTicks(nanoseconds / 100)));
        Assert.True(GoDuration.TryParse(text, out var back, out _));
        Assert.Equal(TimeSpan.FromTicks(nanoseconds / 100), back);
    }

    [Fact]
    public void Integer_nanoseconds_bind_as_durations()
    {
        var check = ConfigBinder.BindCheck(JsonConfigReader.Parse("""{"HTTP":"http://x","Interval":10000000000,"Timeout":"1m30s"}""", "body"));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(90)), (check.Interval, check.Timeout));
    }
}
