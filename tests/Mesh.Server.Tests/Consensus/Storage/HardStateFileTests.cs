using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Storage;

namespace Mesh.Server.Tests.Consensus.Storage;

public sealed class HardStateFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raftstate-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void RoundTripsTermAndVoteAndStartsFromNothing()
    {
        var file = new HardStateFile(_directory);
        Assert.Equal(HardState.Initial, file.Load());

        file.Save(new HardState(7, "server-β"));
        Assert.Equal(new HardState(7, "server-β"), new HardStateFile(_directory).Load());

        file.Save(new HardState(8, null));
        Assert.Equal(new HardState(8, null), new HardStateFile(_directory).Load());
    }

    [Fact]
    public void ALeftOverTemporaryFileIsIgnored()
    {
        var file = new HardStateFile(_directory);
        file.Save(new HardState(3, "a"));
        File.WriteAllBytes(Path.Combine(_directory, "hardstate.tmp"), [1, 2, 3]);

        Assert.Equal(new HardState(3, "a"), file.Load());
    }

    [Fact]
    public void CorruptionIsRefused()
    {
        var file = new HardStateFile(_directory);
        file.Save(new HardState(3, "a"));
        var path = Path.Combine(_directory, "hardstate");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x55;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(file.Load);

        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }
}
