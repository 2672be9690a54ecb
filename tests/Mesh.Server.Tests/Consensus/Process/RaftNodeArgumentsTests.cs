namespace Mesh.Server.Tests.Consensus.Process;

/// <summary>A bad command line stops the Raft node with one readable line on stderr and exit code 2.</summary>
public sealed class RaftNodeArgumentsTests
{
    [Theory]
    [InlineData("--id is required (--help lists the options)", new string[0])]
    [InlineData("unknown option \"--bogus\" (--help lists the options)", new[] { "--bogus", "x" })]
    [InlineData("--raft-port takes a port from 1 to 65535, not \"http\"", new[] { "--id", "s1", "--raft-port", "http" })]
    [InlineData("--peers does not name this server (s1)", new[] { "--id", "s1", "--data-dir", "d", "--raft-port", "7001", "--http-port", "8001", "--peers", "s2=127.0.0.1:7002" })]
    [InlineData("--peers gives s1 the address 127.0.0.1:7002, but --raft-port is 7001", new[] { "--id", "s1", "--data-dir", "d", "--raft-port", "7001", "--http-port", "8001", "--peers", "s1=127.0.0.1:7002" })]
    [InlineData("--snapshot-threshold takes a whole number of at least 1, not \"0\"", new[] { "--id", "s1", "--data-dir", "d", "--raft-port", "7001", "--http-port", "8001", "--peers", "s1=127.0.0.1:7001", "--snapshot-threshold", "0" })]
    public async Task A_bad_command_line_is_one_line_on_stderr(string expected, string[] arguments)
    {
        var result = await RaftNodeProcess.RunToExitAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal($"mesh-raft-node: {expected}", result.Stderr.TrimEnd('\n'));
    }
}
