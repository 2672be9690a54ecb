using Mesh.Server.Cli.Output;

namespace Mesh.Server.Tests.Cli;

public sealed class TabWriterTests
{
    [Fact]
    public void CellsArePaddedToTheWidestPlusPadding()
    {
        var output = TabWriter.Format("CreateIndex\t5\nKey\tfoo\nValue\tbar", padding: 6);

        Assert.Equal("CreateIndex      5\nKey              foo\nValue            bar", output);
    }

    [Fact]
    public void EmptyTrailingCellsKeepThePadding()
    {
        var output = TabWriter.Format("consul\t\nredis\tprimary,v1\n", padding: 6);

        Assert.Equal("consul      \nredis       primary,v1\n", output);
    }

    [Fact]
    public void ALineWithoutTabEndsTheColumnBlock()
    {
        var output = TabWriter.Format("a\tb\nplain line\nlonger\tc", padding: 1);

        Assert.Equal("a b\nplain line\nlonger c", output);
    }

    [Fact]
    public void EachColumnIsSizedOverTheLinesThatHaveIt()
    {
        var output = TabWriter.Format("a\tbb\tc\naaa\tb\tc\nx\ty", padding: 1);

        Assert.Equal("a   bb c\naaa b  c\nx   y", output);
    }
}
