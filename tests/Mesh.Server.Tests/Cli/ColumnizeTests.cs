using Mesh.Server.Cli.Output;

namespace Mesh.Server.Tests.Cli;

public sealed class ColumnizeTests
{
    [Fact]
    public void ColumnsAreLeftAlignedAndJoinedByTwoSpaces()
    {
        var output = Columnize.Format(["Node\u001fID\u001fAddress\u001fDC", "sample-node-name\u001f40e4a748\u001f127.0.0.1\u001fdc1"]);

        Assert.Equal(
            "Node              ID        Address    DC\n" +
            "sample-node-name  40e4a748  127.0.0.1  dc1", output);
    }

    [Fact]
    public void TheLastFieldIsNotPaddedAndFieldsAreTrimmed()
    {
        var output = Columnize.Format(["a\u001f  b  \u001flongest", "ccc\u001fd\u001fe"]);

        Assert.Equal("a    b  longest\nccc  d  e", output);
    }

    [Fact]
    public void ShorterRowsUseTheirOwnLastColumnUnpadded()
    {
        // ryanuber/columnize pads every field but a row's last, whatever the row's length.
        var output = Columnize.Format(["x|y|z", "wide-one|q"], '|');

        Assert.Equal("x         y  z\nwide-one  q", output);
    }

    [Fact]
    public void EmptyTrailingFieldsStillCarryTheirPadding()
    {
        var output = Columnize.Format(["Node\u001fType\u001fDC", "n1\u001funknown\u001f"]);

        Assert.Equal("Node  Type     DC\nn1    unknown  ", output);
    }
}
