using Mesh.Server.Config;
using static Mesh.Server.Tests.Config.ParsingAssert;

namespace Mesh.Server.Tests.Config;

public sealed class JsonConfigReaderTests
{
    [Fact]
    public void Seed_conf_file_reads_into_a_positioned_tree()
    {
        var root = Assert.IsType<ConfigObject>(JsonConfigReader.Parse(SeedFiles.ConfHcl, "conf.hcl"));

        Assert.Equal(["datacenter", "data_dir", "log_level", "node_name", "server", "addresses", "ports"], root.Entries.Select(e => e.Key));
        Assert.Equal(new SourcePosition("conf.hcl", 2, 9), root.Entries[0].KeyPosition);
        var server = Assert.IsType<ConfigScalar>(Value(root, "server"));
        Assert.Equal((ScalarKind.Bool, "true", 6, 19), (server.Kind, server.Text, server.Position.Line, server.Position.Column));
        var http = Assert.IsType<ConfigScalar>(Value(Assert.IsType<ConfigObject>(Value(root, "ports")), "http"));
        Assert.Equal((ScalarKind.Number, "8500", 11, 24), (http.Kind, http.Text, http.Position.Line, http.Position.Column));
    }

    [Fact]
    public void Scalars_arrays_nulls_and_escapes()
    {
        const string text = """{"s":"a\"b\\c\/d\n\u00e9\ud83d\ude00","n":-1.5e-3,"z":0,"t":true,"f":false,"x":null,"l":[1,"a",[],{}]}""";
        var root = Assert.IsType<ConfigObject>(JsonConfigReader.Parse(text, "body"));

        Assert.Equal("a\"b\\c/d\né😀", Text(Value(root, "s")));
        Assert.Equal("-1.5e-3", Text(Value(root, "n")));
        Assert.Equal("0", Text(Value(root, "z")));
        Assert.Equal(ScalarKind.Null, Assert.IsType<ConfigScalar>(Value(root, "x")).Kind);
        Assert.Equal(4, Assert.IsType<ConfigList>(Value(root, "l")).Items.Count);
        Assert.IsType<ConfigList>(JsonConfigReader.Parse(" [ ] ", "body"));
        Assert.Equal("x", Text(JsonConfigReader.Parse("\"x\"", "body")));
    }

    [Theory]
    [InlineData("{\"a\": 1,}", "body:1:9: expected a string key after \",\", found '}'")]
    [InlineData("{\"a\" 1}", "body:1:6: expected \":\" after the key \"a\", found '1'")]
    [InlineData("{\"a\": 1 \"b\": 2}", "body:1:9: expected \",\" or \"}\" after a value in the object opened at 1:1, found '\"'")]
    [InlineData("{\"a\": \"x", "body:1:7: string is not closed with '\"'")]
    [InlineData("{\"a\": tru}", "body:1:7: expected a JSON value, found 't'")]
    [InlineData("{} x", "body:1:4: unexpected 'x' after the JSON value")]
    [InlineData("{ // c\n}", "body:1:3: expected a string key or \"}\", found '/'")]
    [InlineData("[1 2]", "body:1:4: expected \",\" or \"]\" after a value in the array opened at 1:1, found '2'")]
    [InlineData("[1,]", "body:1:4: expected a JSON value, found ']'")]
    [InlineData("", "body:1:1: expected a JSON value, found end of file")]
    [InlineData("{\"a\":\n  [1,\n", "body:3:1: expected a JSON value, found end of file")]
    [InlineData("{\"a\": \"x\ty\"}", "body:1:9: tab is not allowed in a JSON string (escape it)")]
    [InlineData("{\"a\": \"\\x\"}", "body:1:8: invalid escape \"\\x\" in string")]
    [InlineData("{\"a\": \"\\u12\"}", "body:1:8: escape \"\\u\" needs 4 hex digits")]
    [InlineData("{\"a\": -}", "body:1:7: invalid number: expected a digit")]
    [InlineData("{\"a\": 1.}", "body:1:7: invalid number: expected a digit after \".\"")]
    [InlineData("{\"a\": 1e}", "body:1:7: invalid number: expected a digit in the exponent")]
    public void Errors_name_source_line_and_column(string text, string message) =>
        Fails(message, () => JsonConfigReader.Parse(text, "body"));

    [Fact]
    public void Nesting_is_bounded()
    {
        Fails("body:1:65: values are nested more than 64 deep", () => JsonConfigReader.Parse(new string('[', 65) + new string(']', 65), "body"));
    }
}
