using System.Text;
using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class FormattingTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(1500, "1.5s")]
    [InlineData(10_000, "10s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h0m0s")]
    public void DurationsPrintLikeGo(int milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void SubMillisecondDurationsPrintLikeGo()
    {
        Assert.Equal("1.5ms", GoDuration.Format(TimeSpan.FromMicroseconds(1500)));
        Assert.Equal("2µs", GoDuration.Format(TimeSpan.FromMicroseconds(2)));
        Assert.Equal("100ns", GoDuration.Format(TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void OutputBufferKeepsTheLastBytesAndCountsAll()
    {
        var buffer = new OutputBuffer(4);
        buffer.Write("ab"u8);
        Assert.Equal("ab", buffer.ToCapturedString());
        buffer.Write("cde"u8);
        buffer.Write("f"u8);
        Assert.Equal("cdef", buffer.ToString());
        Assert.Equal("Captured 4 of 6 bytes\n...\ncdef", buffer.ToCapturedString());
        buffer.Write(Encoding.UTF8.GetBytes("0123456789"));
        Assert.Equal(16, buffer.TotalWritten);
        Assert.Equal("6789", buffer.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1:80", "127.0.0.1", 80)]
    [InlineData("[::1]:8500", "::1", 8500)]
    [InlineData("localhost:0", "localhost", 0)]
    public void HostPortSplitsLikeGo(string address, string host, int port)
    {
        Assert.True(HostPort.TryParse(address, out var parsedHost, out var parsedPort));
        Assert.Equal((host, port), (parsedHost, parsedPort));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("::1:80")]
    [InlineData(":80")]
    [InlineData("host:http")]
    public void HostPortRejectsWhatGoRejects(string address) =>
        Assert.False(HostPort.TryParse(address, out _, out _));
}
